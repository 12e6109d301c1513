"""The round's pages: 担当の取組 and the form with states and reasons, 承認待ち, 差戻し, round controls."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import AuditEntry, EvaluationState, EvaluationYear, YearlyStatus
from plans import wareki
from tests.actions.staff_users import round_world

S = EvaluationState
YEAR = 2026


@pytest.fixture
def world(db):
    return round_world({"other_staff": ("staff", "other")})


def _record(items, user, status="achieved"):
    for item in items:
        services.record_status(item, YEAR, status=status, user=user)


def _submit(items, user):
    services.submit_items([services.MoveEntry(item, YEAR) for item in items], user=user)


def _row(item):
    return YearlyStatus.objects.get(item=item, fiscal_year=YEAR)


def _token(item):
    row = YearlyStatus.objects.filter(item=item, fiscal_year=YEAR).first()
    return f"{item.pk}:{row.version if row else 0}"


def _my_items(client, world):
    return client.get(reverse("actions:my_items"), {"plan": world["plan"].slug, "year": YEAR})


def _messages(response):
    return [str(message) for message in response.context["messages"]]


# --- 担当の取組 and the status form ---------------------------------------------------


def test_my_items_shows_each_state_the_reason_and_submit_buttons(client, world):
    first, second, third = world["items"]
    _record([first, second], world["staff"])
    _submit([first], world["staff"])
    services.send_back_items(
        [services.MoveEntry(first, YEAR)], user=world["head"], reason="実績値を入れてください"
    )
    client.force_login(world["staff"])
    html = _my_items(client, world).text
    assert "差戻しの理由" in html and "実績値を入れてください" in html
    assert html.count('name="only"') == 2  # the returned and the entered item, not 未入力
    assert f'value="{_token(first)}"' in html and f'value="{_token(second)}"' in html
    assert f'value="{_token(third)}"' not in html
    for label in ("差戻し", "入力済み", "未入力"):
        assert f">{label}</span>" in html


def test_staff_submit_the_ticked_items_at_once(client, world):
    items = world["items"]
    _record(items, world["staff"])
    client.force_login(world["staff"])
    response = client.post(
        reverse("actions:submit"),
        {"plan": world["plan"].slug, "year": YEAR, "items": [_token(i) for i in items]},
        follow=True,
    )
    assert "3件の取組を提出しました。" in _messages(response)
    assert {_row(item).state for item in items} == {S.SUBMITTED}
    assert AuditEntry.objects.filter(action="提出").count() == 3


def test_a_refused_submit_says_why_and_changes_nothing(client, world):
    first = world["items"][0]
    _record([first], world["staff"])
    stale = _token(first)
    services.record_status(first, YEAR, status="not_achieved", comment="遅延", user=world["head"])
    client.force_login(world["staff"])
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("actions:submit"),
        {"plan": world["plan"].slug, "year": YEAR, "only": stale},
        follow=True,
    )
    (message,) = _messages(response)
    assert "画面を開いた後に変更されました" in message
    assert _row(first).state == S.ENTERED and AuditEntry.objects.count() == before


@pytest.mark.parametrize("value", ["", "abc", "1:-1", "999999:0", "1"])
def test_a_tampered_selection_is_refused_with_a_message(client, world, value):
    client.force_login(world["staff"])
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("actions:submit"),
        {"plan": world["plan"].slug, "year": YEAR, "items": [value]},
        follow=True,
    )
    assert response.status_code == 200
    (message,) = _messages(response)
    assert message in {
        "取組が選ばれていません。",
        "送信された取組の指定が正しくありません。",
        "指定された取組が見つかりません。",
    }
    assert AuditEntry.objects.count() == before


def test_an_unknown_plan_or_year_outside_it_is_not_found(client, world):
    client.force_login(world["staff"])
    url = reverse("actions:submit")
    assert client.post(url, {"plan": "nope", "year": YEAR}).status_code == 404
    assert client.post(url, {"plan": world["plan"].slug, "year": 2040}).status_code == 404
    assert client.post(url, {"plan": world["plan"].slug, "year": "x"}).status_code == 404


def test_the_form_shows_the_state_the_reason_and_a_submit_button(client, world):
    first = world["items"][0]
    _record([first], world["staff"])
    _submit([first], world["staff"])
    services.send_back_items(
        [services.MoveEntry(first, YEAR)], user=world["manager"], reason="区分の記載を見直し"
    )
    client.force_login(world["staff"])
    url = reverse("actions:edit_status", args=[world["plan"].slug, YEAR, first.code_key])
    html = client.get(url).text
    assert "差し戻されました。理由" in html and "区分の記載を見直し" in html
    assert "保存して提出" in html
    _submit([first], world["staff"])
    html = client.get(url).text
    assert "前回の差戻しの理由" in html and "保存して提出" not in html
    assert ">提出</span>" in html


def test_the_notice_tells_staff_what_is_left_before_the_deadline(client, world):
    first, second, _third = world["items"]
    services.open_round(
        world["plan"],
        YEAR,
        deadline=timezone.localdate() + datetime.timedelta(days=3),
        user=world["manager"],
    )
    _record([first, second], world["staff"])
    _submit([first], world["staff"])
    services.send_back_items([services.MoveEntry(first, YEAR)], user=world["head"], reason="再確認")
    client.force_login(world["staff"])
    html = client.get(reverse("actions:my_items")).text
    assert "締切まであと3日：未入力 1件、未提出 1件、差戻し 1件" in html
    # The 課長 sees what waits for them; the other section's staff see their own.
    _submit([second], world["staff"])
    client.force_login(world["head"])
    assert "締切まであと3日：承認待ち 1件" in client.get(reverse("actions:my_items")).text
    client.force_login(world["other_staff"])
    assert "締切まであと3日：未入力 2件" in client.get(reverse("actions:my_items")).text


@pytest.mark.parametrize(
    ("role", "lands_on"),
    [
        ("staff", "actions:my_items"),
        ("head", "actions:my_items"),
        ("manager", "actions:progress"),
        ("admin", "actions:progress"),
    ],
)
def test_the_honbu_lands_on_the_progress_board(client, world, role, lands_on):
    client.force_login(world[role])
    response = client.get(reverse("actions:landing"))
    assert response.status_code == 302 and response["Location"] == reverse(lands_on)


# --- 承認待ち and 差戻し ------------------------------------------------------------------


def test_a_section_head_sees_and_approves_only_their_sections_items(client, world):
    mine, theirs = world["items"], world["theirs"]
    _record(mine, world["staff"])
    _record(theirs, world["other_staff"])
    _submit(mine[:2], world["staff"])
    _submit(theirs, world["other_staff"])
    client.force_login(world["head"])
    page = client.get(reverse("actions:approvals"), {"plan": world["plan"].slug, "year": YEAR})
    listed = [row["item"] for row in page.context["rows"]]
    assert listed == mine[:2]
    assert "選んだ取組を承認する" in page.text

    ticked = {"plan": world["plan"].slug, "year": YEAR, "items": [_token(i) for i in mine[:2]]}
    summary = client.post(reverse("actions:approve"), ticked)
    assert "2件を承認する" in summary.text
    assert {_row(item).state for item in mine[:2]} == {S.SUBMITTED}
    response = client.post(reverse("actions:approve"), {**ticked, "confirmed": "1"}, follow=True)
    assert "2件の取組を承認しました。" in _messages(response)
    assert [_row(item).state for item in mine] == [S.APPROVED, S.APPROVED, S.ENTERED]
    assert {_row(item).state for item in theirs} == {S.SUBMITTED}


def test_the_honbu_sees_every_submitted_item_and_may_only_send_back(client, world):
    _record(world["items"][:1] + world["theirs"][:1], world["admin"])
    _submit(world["items"][:1] + world["theirs"][:1], world["admin"])
    client.force_login(world["manager"])
    page = client.get(reverse("actions:approvals"), {"plan": world["plan"].slug, "year": YEAR})
    assert len(page.context["rows"]) == 2
    assert "承認する" not in page.text.replace("承認するか", "")
    assert page.text.count(">差し戻す<") == 2


def test_sending_back_needs_a_reason_and_shows_it_to_the_staff(client, world):
    first = world["items"][0]
    _record([first], world["staff"])
    _submit([first], world["staff"])
    url = reverse("actions:send_back", args=[world["plan"].slug, YEAR, first.code_key])
    client.force_login(world["head"])
    version = _row(first).version

    response = client.post(url, {"reason": "  ", "version": version})
    assert response.status_code == 400
    assert "差し戻す理由を入力してください（職員に表示されます）。" in response.text
    assert _row(first).state == S.SUBMITTED

    response = client.post(url, {"reason": "KPIの実績値が空欄です", "version": version})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("actions:approvals"))
    assert (_row(first).state, _row(first).return_reason) == (S.RETURNED, "KPIの実績値が空欄です")
    entry = AuditEntry.objects.get(action="差戻し")
    assert (entry.user, entry.reason) == (world["head"], "KPIの実績値が空欄です")

    client.force_login(world["staff"])
    assert "KPIの実績値が空欄です" in _my_items(client, world).text


def test_sending_back_an_item_not_submitted_says_so(client, world):
    first = world["items"][0]
    _record([first], world["staff"])
    client.force_login(world["manager"])
    url = reverse("actions:send_back", args=[world["plan"].slug, YEAR, first.code_key])
    assert "差し戻せるのは提出・承認された取組です" in client.get(url).text
    response = client.post(url, {"reason": "理由", "version": _row(first).version})
    assert response.status_code == 400
    assert "「入力済み」のため、差戻しできません" in response.text
    assert _row(first).state == S.ENTERED


# --- the round's controls and the board ----------------------------------------------------


def _round_post(client, world, name, year=YEAR, **data):
    url = reverse(f"actions:{name}", args=[world["plan"].slug, year])
    return client.post(url, data, follow=True)


def test_a_manager_opens_the_round_from_the_board_and_sees_the_deadline_in_wareki(client, world):
    client.force_login(world["manager"])
    deadline = timezone.localdate() + datetime.timedelta(days=12)
    response = _round_post(client, world, "open_round", deadline=deadline.isoformat())
    assert any("評価作業を開始しました" in m for m in _messages(response))
    evaluation = EvaluationYear.objects.get(plan=world["plan"], fiscal_year=YEAR)
    assert evaluation.round_is_open and evaluation.deadline == deadline
    html = client.get(reverse("actions:progress"), {"plan": world["plan"].slug, "year": YEAR}).text
    assert f"締切日 {services.deadline_label(deadline)}まであと12日" in html


def test_a_deadline_typed_in_wareki_is_read(client, world):
    deadline = timezone.localdate() + datetime.timedelta(days=40)
    typed = wareki.date_label(deadline)  # 「令和9年1月6日」
    client.force_login(world["admin"])
    _round_post(client, world, "open_round", deadline=typed)
    assert EvaluationYear.objects.get(plan=world["plan"], fiscal_year=YEAR).deadline == deadline


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        ("", "締切日を入力してください。"),
        ("来週", "締切日が読めません"),
        ("2027-02-30", "締切日が読めません"),
        ("2001-04-01", "が過ぎています"),
    ],
)
def test_a_bad_deadline_is_refused_with_a_message(client, world, deadline, message):
    client.force_login(world["manager"])
    response = _round_post(client, world, "open_round", deadline=deadline)
    assert any(message in m for m in _messages(response))
    assert not EvaluationYear.objects.filter(round_opened_at__isnull=False).exists()
    assert not AuditEntry.objects.exists()


def test_changing_the_deadline_and_closing_from_the_board(client, world):
    client.force_login(world["manager"])
    today = timezone.localdate()
    _round_post(client, world, "open_round", deadline=(today + datetime.timedelta(5)).isoformat())
    response = _round_post(
        client,
        world,
        "change_deadline",
        deadline=(today + datetime.timedelta(9)).isoformat(),
        reason="延長",
    )
    assert any("締切日を" in m and "に変更しました" in m for m in _messages(response))
    response = _round_post(client, world, "close_round")
    assert any("評価作業を終了しました" in m for m in _messages(response))
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "評価作業の開始",
        "締切日の変更",
        "評価作業の終了",
    ]
    html = client.get(reverse("actions:progress"), {"plan": world["plan"].slug, "year": YEAR}).text
    assert "評価作業は終了しました" in html and "評価作業を開始する" in html


@pytest.mark.parametrize(
    "query",
    [{"state": "done"}, {"area": "999999"}, {"section": "abc"}, {"area": "x"}],
)
def test_a_bad_filter_of_the_item_list_says_so(client, world, query):
    client.force_login(world["manager"])
    response = client.get(
        reverse("actions:progress_items"), {"plan": world["plan"].slug, "year": YEAR, **query}
    )
    assert response.status_code == 400
    assert "一覧を表示できませんでした" in response.text


def test_a_section_head_cannot_list_another_sections_items(client, world):
    client.force_login(world["head"])
    other = world["theirs"][0].section
    response = client.get(
        reverse("actions:progress_items"),
        {"plan": world["plan"].slug, "year": YEAR, "section": other.pk},
    )
    assert response.status_code == 403


def test_the_board_links_each_number_to_the_items_behind_it(client, world):
    mine = world["items"]
    _record(mine[:2], world["staff"])
    _submit(mine[:1], world["staff"])
    client.force_login(world["manager"])
    board = client.get(reverse("actions:progress"), {"plan": world["plan"].slug, "year": YEAR})
    section = mine[0].section
    link = (
        reverse("actions:progress_items")
        + f"?plan={world['plan'].slug}&amp;year={YEAR}&amp;section={section.pk}&amp;state=submitted"
    )
    assert f'href="{link}"' in board.text
    listed = client.get(link.replace("&amp;", "&"))
    assert [row["item"] for row in listed.context["rows"]] == mine[:1]
    not_entered = client.get(
        reverse("actions:progress_items"),
        {"plan": world["plan"].slug, "year": YEAR, "state": "not_entered"},
    )
    assert {row["item"] for row in not_entered.context["rows"]} == {mine[2], *world["theirs"]}
