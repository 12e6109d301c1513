"""The staff and 課長 side after the second week of real use: 「保存して提出」 never drops typed
input, a bulk 承認 shows what it approves first, the saved row keeps the reader's place,
and four-eyes (APPROVAL_FOUR_EYES) keeps a 課長 from approving their own submission."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from actions import permissions, services
from actions.models import AuditEntry, EvaluationState, YearlyStatus
from tests.actions.staff_users import round_world

S = EvaluationState
YEAR = 2026
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(db):
    return round_world({"second_head": ("section_head", "mine")})


def _row(item):
    return YearlyStatus.objects.get(item=item, fiscal_year=YEAR)


def _token(item):
    row = YearlyStatus.objects.filter(item=item, fiscal_year=YEAR).first()
    return f"{item.pk}:{row.version if row else 0}"


def _edit_url(item):
    return reverse("actions:edit_status", args=[item.plan.slug, YEAR, item.code_key])


def _messages(response):
    return [str(message) for message in response.context["messages"]]


# --- 保存して提出 ------------------------------------------------------------------------


def test_save_and_submit_submits_what_is_typed_not_the_last_saved_version(client, world):
    item = world["items"][0]
    services.record_status(item, YEAR, status="achieved", comment="前の備考", user=world["staff"])
    client.force_login(world["staff"])
    page = client.get(_edit_url(item))
    assert "保存して提出" in page.text and "課長に提出する" not in page.text
    response = client.post(
        _edit_url(item),
        {
            "status": "partially_achieved",
            "comment": "新しい備考",
            "evidence": "",
            "version": str(_row(item).version),
            "and_submit": "1",
        },
        follow=True,
    )
    row = _row(item)
    assert (row.status, row.comment, row.state) == ("partially_achieved", "新しい備考", S.SUBMITTED)
    assert f"「{item.title}」の令和8年度（2026年度）の評価を保存して課長に提出しました。" in (
        _messages(response)
    )
    assert list(
        AuditEntry.objects.filter(item=item).order_by("pk").values_list("action", flat=True)
    ) == ["達成状況の記録", "達成状況の記録", "提出"]


def test_save_and_submit_of_an_unrated_item_refuses_and_keeps_the_typed_input(client, world):
    item = world["items"][0]
    client.force_login(world["staff"])
    response = client.post(
        _edit_url(item),
        {
            "status": "",
            "comment": "書きかけのメモ",
            "evidence": "",
            "version": "0",
            "and_submit": "1",
        },
    )
    assert response.status_code == 200
    assert "先に達成状況を記録してください" in response.text
    assert "書きかけのメモ" in response.text
    assert not YearlyStatus.objects.filter(item=item).exists()
    assert AuditEntry.objects.count() == 0


def test_save_and_submit_by_someone_who_may_not_submit_is_refused(client, world):
    client.force_login(world["manager"])
    item = world["items"][0]
    data = {"status": "achieved", "comment": "", "evidence": "", "version": "0", "and_submit": "1"}
    assert client.post(_edit_url(item), data).status_code == 403
    assert not YearlyStatus.objects.filter(item=item).exists()


def test_a_submitted_item_offers_only_save_which_drops_it_back_to_entered(client, world):
    item = world["items"][0]
    services.record_status(item, YEAR, status="achieved", user=world["staff"])
    services.submit_items([services.MoveEntry(item, YEAR)], user=world["staff"])
    client.force_login(world["staff"])
    assert "保存して提出" not in client.get(_edit_url(item)).text


# --- the saved row keeps the reader's place ----------------------------------------


def test_after_saving_the_list_focuses_the_saved_rows_next_action(client, world):
    first, second, _third = world["items"]
    client.force_login(world["staff"])
    back = reverse("actions:my_items") + f"?plan={world['plan'].slug}&year={YEAR}"
    response = client.post(
        _edit_url(second),
        {"status": "achieved", "comment": "", "evidence": "", "version": "0", "next": back},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{back}&saved={second.pk}"
    html = client.get(response["Location"]).text
    row = html[html.index(f'id="item-{second.pk}"') :]
    row = row[: row.index("</tr>")]
    assert f'value="{_token(second)}" class="button button--small" autofocus>提出する' in row
    assert html.count("autofocus") == 1


def test_after_saving_from_another_page_the_address_is_left_alone(client, world):
    item = world["items"][0]
    client.force_login(world["staff"])
    back = reverse("actions:progress")
    response = client.post(
        _edit_url(item),
        {"status": "achieved", "comment": "", "evidence": "", "version": "0", "next": back},
    )
    assert response["Location"] == back


# --- bulk 承認: a summary first ------------------------------------------------------------


def _submitted(world, items):
    for item in items:
        services.record_status(item, YEAR, status="achieved", user=world["admin"])
    services.submit_items([services.MoveEntry(i, YEAR) for i in items], user=world["staff"])


def test_bulk_approval_shows_the_count_and_sections_and_changes_nothing_until_confirmed(
    client, world
):
    items = world["items"]
    _submitted(world, items)
    client.force_login(world["admin"])
    ticked = {
        "plan": world["plan"].slug,
        "year": YEAR,
        "items": [_token(i) for i in [*items]],
    }
    before = AuditEntry.objects.count()
    page = client.post(reverse("actions:approve"), ticked)
    assert page.status_code == 200
    assert "<strong>3件</strong>の取組を承認します" in page.text
    assert '担当課A</th><td class="num">3件' in page.text
    assert all(item.title in page.text for item in items)
    assert {_row(i).state for i in items} == {S.SUBMITTED}
    assert AuditEntry.objects.count() == before
    client.post(reverse("actions:approve"), {**ticked, "confirmed": "1"})
    assert {_row(i).state for i in items} == {S.APPROVED}


def test_the_summary_refuses_items_the_user_may_not_approve(client, world):
    _submitted(world, world["items"][:1])
    client.force_login(world["other_head"])
    ticked = {"plan": world["plan"].slug, "year": YEAR, "items": [_token(world["items"][0])]}
    assert client.post(reverse("actions:approve"), ticked).status_code == 403


# --- four-eyes ---------------------------------------------------------------------------


def _submitted_by_head(world):
    item = world["items"][0]
    services.record_status(item, YEAR, status="achieved", user=world["head"])
    services.submit_items([services.MoveEntry(item, YEAR)], user=world["head"])
    return item


def test_without_four_eyes_a_head_approves_their_own_submission(client, world, settings):
    settings.APPROVAL_FOUR_EYES = False
    item = _submitted_by_head(world)
    assert not permissions.four_eyes()
    client.force_login(world["head"])
    page = client.get(reverse("actions:approvals"), {"plan": world["plan"].slug, "year": YEAR})
    assert "提出と承認は別の人が行います" not in page.text
    assert page.context["rows"][0]["can_approve"]
    services.approve_items([services.MoveEntry(item, YEAR)], user=world["head"])
    assert _row(item).state == S.APPROVED


def test_with_four_eyes_a_head_may_not_approve_their_own_submission(client, world, settings):
    settings.APPROVAL_FOUR_EYES = True
    item = _submitted_by_head(world)
    client.force_login(world["head"])
    page = client.get(reverse("actions:approvals"), {"plan": world["plan"].slug, "year": YEAR})
    assert "提出と承認は別の人が行います" in page.text
    assert "自分の提出のため承認できません" in page.text
    assert not page.context["rows"][0]["can_approve"]
    response = client.post(
        reverse("actions:approve"),
        {"plan": world["plan"].slug, "year": YEAR, "only": _token(item)},
        follow=True,
    )
    assert any("自分で提出した取組のため、承認できません" in m for m in _messages(response))
    assert _row(item).state == S.SUBMITTED
    with pytest.raises(services.RoundRefused):
        services.approve_items([services.MoveEntry(item, YEAR)], user=world["head"])
    # Another 課長 of the section approves it.
    services.approve_items([services.MoveEntry(item, YEAR)], user=world["second_head"])
    assert _row(item).state == S.APPROVED


def test_with_four_eyes_a_staff_submission_is_approved_by_the_head_as_before(world, settings):
    settings.APPROVAL_FOUR_EYES = True
    item = world["items"][0]
    services.record_status(item, YEAR, status="achieved", user=world["staff"])
    services.submit_items([services.MoveEntry(item, YEAR)], user=world["staff"])
    services.approve_items([services.MoveEntry(item, YEAR)], user=world["head"])
    assert _row(item).state == S.APPROVED


def test_a_town_turns_four_eyes_on_for_itself(world, settings):
    settings.APPROVAL_FOUR_EYES = False
    town = world["plan"].town
    town.four_eyes = True
    town.save()
    item = _submitted_by_head(world)
    item.plan.town.four_eyes = True
    with pytest.raises(services.RoundRefused):
        services.approve_items([services.MoveEntry(item, YEAR)], user=world["head"])
    assert _row(item).state == S.SUBMITTED


@pytest.mark.parametrize(("value", "expected"), [(None, "False"), ("1", "True"), ("0", "False")])
def test_the_setting_is_read_from_the_environment_and_is_off_by_default(value, expected):
    env = {k: v for k, v in os.environ.items() if k != "APPROVAL_FOUR_EYES"}
    env.update(DEBUG="1", DJANGO_SETTINGS_MODULE="nakai_dx.settings")
    if value is not None:
        env["APPROVAL_FOUR_EYES"] = value
    script = "import django; django.setup(); from actions import permissions; print(permissions.four_eyes())"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.strip() == expected, result.stderr
