"""The status form: recording an item's evaluation for one fiscal year."""

import pytest
from django.urls import reverse

from actions import services
from actions.models import AuditEntry, EvaluationYear, Kpi, KpiActual, YearlyStatus
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section

YEAR = 2026


@pytest.fixture
def world(db):
    plan = make_plan()
    section = make_section()
    (item,) = make_items(plan, plan.areas.first(), 1, section=section)
    kpi = Kpi.objects.create(item=item, name="申請件数", unit="件")
    staff = make_user("staff", "staff", [section])
    colleague = make_user("colleague", "staff", [section])
    return {"plan": plan, "item": item, "kpi": kpi, "staff": staff, "colleague": colleague}


@pytest.fixture
def staff_client(client, world):
    client.force_login(world["staff"])
    return client


def _url(item, year=YEAR):
    return reverse("actions:edit_status", args=[item.plan.slug, year, item.code_key])


def _data(**fields):
    return {"status": "achieved", "comment": "", "evidence": "", "version": "0", **fields}


def test_it_shows_the_saved_values_and_version(staff_client, world):
    services.record_status(world["item"], YEAR, status="not_achieved", comment="予算不足")
    services.record_kpi_actual(world["kpi"], YEAR, "12.5")
    response = staff_client.get(_url(world["item"]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["status"] == "not_achieved"
    assert form.initial["version"] == 1
    assert form.initial[f"kpi_{world['kpi'].pk}"] == "12.5"
    assert "予算不足" in response.text


def test_it_saves_status_comment_evidence_and_kpi_in_one_go(staff_client, world):
    kpi = world["kpi"]
    response = staff_client.post(
        _url(world["item"]),
        _data(
            status="partially_achieved",
            comment="一部の窓口で開始",
            evidence="議事録",
            **{f"kpi_{kpi.pk}": "１，２００"},
        ),
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("actions:my_items"))
    status = YearlyStatus.objects.get(item=world["item"], fiscal_year=YEAR)
    assert (status.status, status.comment, status.evidence, status.version) == (
        "partially_achieved",
        "一部の窓口で開始",
        "議事録",
        1,
    )
    assert KpiActual.objects.get(kpi=kpi, fiscal_year=YEAR).value == 1200
    actions = sorted(AuditEntry.objects.values_list("action", flat=True))
    assert actions == ["指標実績の記録", "達成状況の記録"]


@pytest.mark.parametrize("status", ["not_achieved", "undeterminable"])
def test_it_requires_a_comment_for_not_achieved_and_undeterminable(staff_client, world, status):
    response = staff_client.post(_url(world["item"]), _data(status=status, comment="  "))
    assert response.status_code == 200
    assert "備考（理由）を入力してください" in response.text
    assert not YearlyStatus.objects.exists()
    assert not AuditEntry.objects.exists()


def test_errors_are_summarised_at_the_top_with_links_to_their_fields(staff_client, world):
    kpi = world["kpi"]
    response = staff_client.post(
        _url(world["item"]), _data(status="not_achieved", **{f"kpi_{kpi.pk}": "たくさん"})
    )
    html = response.text
    summary = html[
        html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))
    ]
    # Focus moves to the summary (autofocus on a tabindex=-1 element).
    assert 'tabindex="-1" autofocus' in html
    assert 'href="#id_comment">備考（公開）：' in summary
    assert f'href="#id_kpi_{kpi.pk}">申請件数の実績値（件）：' in summary


def test_fields_in_error_are_marked_invalid_and_described_by_their_message(staff_client, world):
    response = staff_client.post(_url(world["item"]), _data(status="not_achieved"))
    html = response.text
    assert '<p class="field-error" id="id_comment_error">' in html
    textarea = html[html.index('<textarea name="comment"') : html.index("</textarea>")]
    assert 'aria-invalid="true"' in textarea
    assert 'aria-describedby="id_comment_error id_comment_help"' in textarea
    evidence = html[html.index('<textarea name="evidence"') :]
    assert "aria-invalid" not in evidence[: evidence.index(">")]


def test_a_bad_kpi_value_is_refused_with_a_message_and_nothing_saved(staff_client, world):
    kpi = world["kpi"]
    response = staff_client.post(_url(world["item"]), _data(**{f"kpi_{kpi.pk}": "たくさん"}))
    assert response.status_code == 200
    assert "数値を入力してください" in response.text
    assert not YearlyStatus.objects.exists()


def test_an_empty_kpi_value_removes_the_actual(staff_client, world):
    kpi = world["kpi"]
    services.record_kpi_actual(kpi, YEAR, "5")
    staff_client.post(
        _url(world["item"]),
        _data(status="", **{f"kpi_{kpi.pk}": "", f"kpi_{kpi.pk}_original": "5"}),
    )
    assert not KpiActual.objects.exists()
    assert AuditEntry.objects.latest("id").after is None


def test_a_stale_save_is_refused_and_shows_the_other_change(staff_client, world):
    item = world["item"]
    services.record_status(
        item, YEAR, status="not_achieved", comment="当初の理由", user=world["colleague"]
    )
    # The staff member opened the form at version 1; the colleague saves version 2.
    services.record_status(
        item,
        YEAR,
        status="undeterminable",
        comment="同僚の判断",
        evidence="同僚のメモ",
        user=world["colleague"],
        expected_version=1,
    )
    response = staff_client.post(_url(item), _data(comment="わたしの入力", version="1"))
    assert response.status_code == 200
    assert "ほかの人の変更と重なりました" in response.text
    assert "colleague" in response.text
    assert "同僚の判断" in response.text and "同僚のメモ" in response.text
    assert "わたしの入力" in response.text
    assert response.context["form"]["version"].value() == "2"
    status = YearlyStatus.objects.get(item=item, fiscal_year=YEAR)
    assert (status.status, status.version) == ("undeterminable", 2)
    # Saving again from the shown version re-applies the user's input.
    response = staff_client.post(_url(item), _data(comment="わたしの入力", version="2"))
    assert response.status_code == 302
    status.refresh_from_db()
    assert (status.status, status.comment, status.version) == ("achieved", "わたしの入力", 3)


def test_a_stale_kpi_actual_is_refused(staff_client, world):
    kpi = world["kpi"]
    services.record_kpi_actual(kpi, YEAR, "7", user=world["colleague"])
    response = staff_client.post(
        _url(world["item"]),
        _data(status="", **{f"kpi_{kpi.pk}": "9", f"kpi_{kpi.pk}_original": ""}),
    )
    assert response.status_code == 200
    assert (
        "指標「申請件数」の実績値は、編集を始めた後に colleague さんが更新しました" in response.text
    )
    assert KpiActual.objects.get(kpi=kpi).value == 7
    form = response.context["form"]
    assert form[f"kpi_{kpi.pk}_original"].value() == "7.000"
    assert form[f"kpi_{kpi.pk}"].value() == "9"


def test_a_locked_year_shows_a_clear_message_and_refuses_the_save(staff_client, world):
    EvaluationYear.objects.update_or_create(
        plan=world["plan"], fiscal_year=YEAR, defaults={"is_locked": True}
    )[0]
    response = staff_client.get(_url(world["item"]))
    assert response.status_code == 200
    assert "確定済みのため変更できません" in response.text
    assert "保存する" not in response.text
    response = staff_client.post(_url(world["item"]), _data())
    assert response.status_code == 200
    assert "確定済みのため変更できません" in response.text
    assert not YearlyStatus.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_unchanged_save_writes_no_history(staff_client, world):
    services.record_status(world["item"], YEAR, status="achieved")
    response = staff_client.post(_url(world["item"]), _data(version="1"), follow=True)
    assert "変更はありませんでした" in response.text
    assert AuditEntry.objects.count() == 1


def test_it_goes_back_to_a_safe_next_page_only(staff_client, world):
    item_url = world["item"].get_absolute_url()
    response = staff_client.post(_url(world["item"]), _data(next=item_url))
    assert response["Location"] == item_url
    response = staff_client.post(
        _url(world["item"]), _data(version="1", status="", next="https://evil.example/")
    )
    assert response["Location"].startswith(reverse("actions:my_items"))


def test_a_kpi_only_save_leaves_no_empty_status_row(staff_client, world):
    kpi = world["kpi"]
    response = staff_client.post(_url(world["item"]), _data(status="", **{f"kpi_{kpi.pk}": "3"}))
    assert response.status_code == 302
    assert not YearlyStatus.objects.exists()
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["指標実績の記録"]


def test_the_service_keeps_returning_a_row_for_an_empty_status(world):
    # The admin and the import rely on record_status always returning the row.
    status, changed = services.record_status(world["item"], YEAR, status="")
    assert status.pk and changed


@pytest.mark.parametrize("code", ["1-(2)-③", "Ａ－０１", "①", "Ⅱ-3"])
def test_a_coded_item_is_recorded_through_its_code_url(client, db, code):
    plan = make_plan()
    section = make_section()
    item = plan.items.create(
        code=code, title="コードの取組", primary_area=plan.areas.first(), section=section
    )
    client.force_login(make_user("coder", "staff", [section]))
    url = _url(item)
    assert client.get(url).status_code == 200
    response = client.post(url, _data(status="not_achieved"))
    assert response.status_code == 200 and "備考（理由）" in response.text  # the form still asks
    assert not YearlyStatus.objects.exists()
    response = client.post(url, _data(status="not_achieved", comment="予算不足"))
    assert response.status_code == 302
    assert YearlyStatus.objects.get().item == item
