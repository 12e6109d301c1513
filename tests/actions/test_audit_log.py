"""The audit log page for managers and admins: filters, pagination, CSV export."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from actions import services
from actions.models import AuditEntry
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section

YEAR = 2026


@pytest.fixture
def world(db):
    plan = make_plan()
    section_a, section_b = make_section("担当課A"), make_section("担当課B")
    area = plan.areas.first()
    (item_a,) = make_items(plan, area, 1, section=section_a)
    (item_b,) = make_items(plan, area, 1, section=section_b)
    alice = make_user("alice", "staff", [section_a])
    bob = make_user("bob", "staff", [section_b])
    services.record_status(item_a, YEAR, status="achieved", user=alice)
    services.record_status(item_b, YEAR, status="not_achieved", comment="遅延", user=bob)
    manager = make_user("manager", "manager")
    return {
        "item_a": item_a,
        "item_b": item_b,
        "alice": alice,
        "bob": bob,
        "section_a": section_a,
        "manager": manager,
    }


@pytest.fixture
def manager_client(client, world):
    client.force_login(world["manager"])
    return client


def _rows(response):
    return [row.record for row in response.context["table"].paginated_rows]


@pytest.mark.parametrize("field", ["user", "item", "section"])
def test_it_filters_by_user_item_and_section(manager_client, world, field):
    value = {
        "user": world["alice"].pk,
        "item": world["item_a"].pk,
        "section": world["section_a"].pk,
    }[field]
    response = manager_client.get(reverse("actions:audit_log"), {field: value})
    records = _rows(response)
    assert [record.item for record in records] == [world["item_a"]]


def test_it_filters_by_date_range_in_local_days(manager_client, world):
    old = AuditEntry.objects.get(item=world["item_b"])
    AuditEntry.objects.filter(pk=old.pk).update(
        at=datetime.datetime(2026, 4, 1, 0, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    )
    response = manager_client.get(
        reverse("actions:audit_log"), {"date_from": "2026-04-01", "date_to": "2026-04-01"}
    )
    assert [record.pk for record in _rows(response)] == [old.pk]
    response = manager_client.get(reverse("actions:audit_log"), {"date_to": "2026-03-31"})
    assert _rows(response) == []


def test_a_reversed_date_range_gets_a_message(manager_client, world):
    response = manager_client.get(
        reverse("actions:audit_log"), {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert response.status_code == 200
    assert "期間の終わりは始まり以降の日付にしてください" in response.text


def test_it_shows_who_when_and_old_to_new(manager_client, world):
    response = manager_client.get(reverse("actions:audit_log"))
    assert "達成状況: 未評価 → 未達成 / 備考: （なし） → 遅延" in response.text
    assert "bob" in response.text


def test_an_empty_field_on_both_sides_is_not_listed_as_a_change(manager_client, world):
    response = manager_client.get(reverse("actions:audit_log"))
    assert "（なし） → （なし）" not in response.text
    assert "達成状況: 未評価 → 達成" in response.text
    assert "達成状況: 未評価 → 達成 / 備考" not in response.text  # alice left it empty


def test_a_first_record_reads_from_not_entered_to_entered(manager_client, world):
    response = manager_client.get(reverse("actions:audit_log"))
    assert "評価作業の状態: 未入力 → 入力済み" in response.text
    assert "評価作業の状態: （なし）" not in response.text


def test_the_target_names_the_plan_version(manager_client, world):
    response = manager_client.get(reverse("actions:audit_log"))
    version = world["item_a"].plan.version
    assert f"{version}版 {world['item_a']}" in response.text


def test_the_filters_offer_all_as_the_empty_choice(manager_client, world):
    html = manager_client.get(reverse("actions:audit_log")).text
    for name in ("user", "item", "section"):
        select = html[html.index(f'name="{name}"') :]
        assert select[: select.index("</option>")].endswith('<option value="" selected>すべて')
    assert "---------" not in html


def test_times_do_not_wrap_and_entries_read_as_cards_on_a_phone(manager_client, world):
    html = manager_client.get(reverse("actions:audit_log")).text
    assert 'class="data-table data-table--cards data-table--audit"' in html
    assert '<td class="card-meta nowrap" data-label="日時">' in html


def test_it_paginates(manager_client, world):
    for number in range(60):
        services.record_status(
            world["item_a"], YEAR, status="achieved" if number % 2 else "", user=world["alice"]
        )
    response = manager_client.get(reverse("actions:audit_log"))
    assert len(_rows(response)) == 50
    response = manager_client.get(reverse("actions:audit_log"), {"page": 2})
    assert len(_rows(response)) == 12


@pytest.mark.parametrize("extra", [0, 80])
def test_the_query_count_is_pinned(manager_client, world, extra, django_assert_num_queries):
    for number in range(extra):
        services.record_status(
            world["item_a"], YEAR, status="achieved" if number % 2 else "", user=world["alice"]
        )
    # session, user, groups, count, page, filter choices (users, items, sections)
    with django_assert_num_queries(9):
        manager_client.get(reverse("actions:audit_log"))


def test_the_csv_export_is_utf8_with_bom_and_a_japanese_filename(manager_client, world):
    response = manager_client.get(reverse("actions:audit_log_csv"), {"user": world["bob"].pk})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        "filename*=UTF-8''%E5%A4%89%E6%9B%B4%E5%B1%A5%E6%AD%B4_" in response["Content-Disposition"]
    )
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff日時,利用者,操作,経路,年度,対象,担当課,")
    lines = body.strip().splitlines()
    assert len(lines) == 2
    assert ",bob,達成状況の記録,画面,2026," in lines[1]


# --- how the entries read ---------------------------------------------------------------


@pytest.fixture
def kpi_entries(world):
    """A KPI actual typed as 340 and then 352.5: stored as Decimal 340.000 and 352.500."""
    from actions.models import Kpi

    kpi = Kpi.objects.create(item=world["item_a"], name="申請件数", unit="件")
    services.record_kpi_actual(kpi, YEAR, 340, user=world["alice"])
    services.record_kpi_actual(kpi, YEAR, "352.5", user=world["alice"])
    return kpi


def test_kpi_values_read_as_typed_with_their_unit(manager_client, kpi_entries):
    html = manager_client.get(reverse("actions:audit_log")).content.decode()
    assert "実績値: （なし） → 340件" in html
    assert "実績値: 340件 → 352.5件" in html
    assert "340.000" not in html


def test_the_csv_carries_the_kpi_values_as_typed(manager_client, kpi_entries):
    body = manager_client.get(reverse("actions:audit_log_csv")).content.decode("utf-8")
    assert "実績値: 340件 → 352.5件" in body


def test_the_item_page_history_reads_kpi_values_as_typed(manager_client, world, kpi_entries):
    html = manager_client.get(world["item_a"].get_absolute_url()).content.decode()
    assert "340件" in html and "340.000" not in html


def test_kpi_units_cost_one_query_for_a_whole_page(
    manager_client, world, kpi_entries, django_assert_num_queries
):
    for value in range(30):
        services.record_kpi_actual(kpi_entries, YEAR, value, user=world["alice"])
    # The eight of a page of status entries, and one for the units of the KPIs on it.
    with django_assert_num_queries(10):
        manager_client.get(reverse("actions:audit_log"))


def test_the_scroll_box_is_a_named_region_reached_by_keyboard(manager_client, world):
    html = manager_client.get(reverse("actions:audit_log")).content.decode()
    assert (
        '<div class="table-scroll" tabindex="0" role="region" '
        'aria-label="変更履歴（新しい順）（横にスクロールできます）">'
    ) in html
