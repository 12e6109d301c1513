"""The round's services: opening it with a deadline, and submit / approve / send back."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions import services
from actions.models import AuditEntry, EvaluationState, EvaluationYear, YearlyStatus
from actions.tables import describe_change
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section, make_year

S = EvaluationState
YEAR = 2026


@pytest.fixture
def world(db):
    plan = make_plan()
    mine, other = make_section("担当課A"), make_section("担当課B")
    items = make_items(plan, plan.areas.first(), 3, section=mine)
    other_items = make_items(plan, plan.areas.first(), 2, section=other)
    return {
        "plan": plan,
        "items": items,
        "other_items": other_items,
        "staff": make_user("staff", "staff", [mine]),
        "other_staff": make_user("other_staff", "staff", [other]),
        "head": make_user("head", "section_head", [mine]),
        "other_head": make_user("other_head", "section_head", [other]),
        "manager": make_user("manager", "manager"),
        "admin": make_user("admin", "admin"),
    }


def _soon(days=10):
    return timezone.localdate() + datetime.timedelta(days=days)


def _record(items, user, status="achieved"):
    for item in items:
        services.record_status(item, YEAR, status=status, user=user)


def _entries(items, version=None):
    return [services.MoveEntry(item, YEAR, version) for item in items]


def _states(items):
    return [
        YearlyStatus.objects.filter(item=item, fiscal_year=YEAR)
        .values_list("state", flat=True)
        .first()
        for item in items
    ]


def _snapshot():
    return (
        list(YearlyStatus.objects.order_by("pk").values_list("state", "return_reason", "version")),
        list(
            EvaluationYear.objects.order_by("pk").values_list(
                "deadline", "round_opened_at", "round_closed_at", "is_locked"
            )
        ),
        AuditEntry.objects.count(),
    )


# --- opening, the deadline, closing ---------------------------------------------------


def test_a_manager_opens_the_round_with_a_deadline_and_it_is_audited(world):
    plan, manager = world["plan"], world["manager"]
    evaluation = services.open_round(plan, YEAR, deadline=_soon(), user=manager)
    assert evaluation.round_is_open and evaluation.deadline == _soon()
    assert evaluation.round_opened_by == manager
    entry = AuditEntry.objects.get(action="評価作業の開始")
    assert (entry.user, entry.plan, entry.fiscal_year) == (manager, plan, YEAR)
    change = describe_change(entry)
    assert "評価作業: 未開始 → 評価作業中" in change
    assert f"締切日: （なし） → {services.deadline_label(_soon())}" in change


def test_changing_the_deadline_and_closing_are_audited(world):
    plan, admin = world["plan"], world["admin"]
    services.open_round(plan, YEAR, deadline=_soon(10), user=admin)
    _, changed = services.change_deadline(
        plan, YEAR, deadline=_soon(20), user=admin, reason="議会日程のため"
    )
    assert changed
    _, changed = services.change_deadline(plan, YEAR, deadline=_soon(20), user=admin)
    assert not changed
    services.close_round(plan, YEAR, user=admin)
    evaluation = EvaluationYear.objects.get(plan=plan, fiscal_year=YEAR)
    assert not evaluation.round_is_open and evaluation.deadline == _soon(20)
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "reason"))
    assert actions == [
        ("評価作業の開始", ""),
        ("締切日の変更", "議会日程のため"),
        ("評価作業の終了", ""),
    ]
    # A closed round may be opened again, with a new deadline.
    services.open_round(plan, YEAR, deadline=_soon(5), user=admin)
    assert EvaluationYear.objects.get(plan=plan, fiscal_year=YEAR).round_is_open


@pytest.mark.parametrize("role", ["staff", "head", "other_head"])
def test_only_the_honbu_opens_changes_or_closes_the_round(world, role):
    plan, user = world["plan"], world[role]
    before = _snapshot()
    with pytest.raises(ValidationError, match="管理職（DX推進本部）または管理者が行います"):
        services.open_round(plan, YEAR, deadline=_soon(), user=user)
    services.open_round(plan, YEAR, deadline=_soon(), user=world["manager"])
    before = _snapshot()
    with pytest.raises(ValidationError, match="管理職"):
        services.change_deadline(plan, YEAR, deadline=_soon(30), user=user)
    with pytest.raises(ValidationError, match="管理職"):
        services.close_round(plan, YEAR, user=user)
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        (None, "締切日を入力してください"),
        ("2027-05-31", "締切日を入力してください"),
        (datetime.date(2020, 1, 1), "締切日（令和2年1月1日（2020年1月1日））が過ぎています"),
        (datetime.date(2062, 5, 31), "年度末から2年より後です"),
    ],
)
def test_a_bad_deadline_is_refused_in_japanese(world, deadline, message):
    before = _snapshot()
    with pytest.raises(ValidationError, match=message):
        services.open_round(world["plan"], YEAR, deadline=deadline, user=world["manager"])
    assert _snapshot() == before


def test_a_locked_or_out_of_period_year_or_an_open_round_is_refused(world):
    plan, manager = world["plan"], world["manager"]
    make_year(plan, 2025, "locked")
    with pytest.raises(ValidationError, match="確定済みのため、評価作業を開始できません"):
        services.open_round(plan, 2025, deadline=_soon(), user=manager)
    with pytest.raises(ValidationError, match="評価の対象年度"):
        services.open_round(plan, 2040, deadline=_soon(), user=manager)
    services.open_round(plan, YEAR, deadline=_soon(), user=manager)
    before = _snapshot()
    with pytest.raises(ValidationError, match="すでに評価作業中です"):
        services.open_round(plan, YEAR, deadline=_soon(3), user=manager)
    with pytest.raises(ValidationError, match="評価作業は行われていません"):
        services.change_deadline(plan, 2027, deadline=_soon(3), user=manager)
    with pytest.raises(ValidationError, match="評価作業は行われていません"):
        services.close_round(plan, 2027, user=manager)
    assert _snapshot() == before


# --- the moves ------------------------------------------------------------------------


def test_the_whole_cycle_submit_send_back_fix_resubmit_approve(world):
    item = world["items"][0]
    staff, head = world["staff"], world["head"]
    _record([item], staff)

    (row,) = services.submit_items(_entries([item]), user=staff)
    assert row.state == S.SUBMITTED and row.state_changed_by == staff

    services.send_back_items(_entries([item]), user=head, reason="根拠の数値を追記してください")
    row = YearlyStatus.objects.get(item=item, fiscal_year=YEAR)
    assert (row.state, row.return_reason) == (S.RETURNED, "根拠の数値を追記してください")

    services.record_status(item, YEAR, status="achieved", evidence="利用件数 120件", user=staff)
    row.refresh_from_db()
    assert row.state == S.ENTERED and row.return_reason == "根拠の数値を追記してください"

    services.submit_items(_entries([item], row.version), user=staff)
    services.approve_items(_entries([item], row.version), user=head)
    row.refresh_from_db()
    assert (row.state, row.return_reason, row.state_changed_by) == (S.APPROVED, "", head)

    entries = list(AuditEntry.objects.filter(item=item).order_by("id"))
    assert [e.action for e in entries] == [
        "達成状況の記録",
        "提出",
        "差戻し",
        "達成状況の記録",
        "提出",
        "承認",
    ]
    send_back = entries[2]
    assert send_back.user == head and send_back.reason == "根拠の数値を追記してください"
    assert describe_change(send_back) == "評価作業の状態: 提出 → 差戻し"
    assert describe_change(entries[5]) == "評価作業の状態: 提出 → 承認"


def test_the_honbu_sends_back_even_an_approved_item_but_does_not_approve(world):
    item, manager = world["items"][0], world["manager"]
    _record([item], world["staff"])
    services.submit_items(_entries([item]), user=world["staff"])
    with pytest.raises(ValidationError, match="承認する権限がありません（担当課の課長が行います）"):
        services.approve_items(_entries([item]), user=manager)
    services.approve_items(_entries([item]), user=world["head"])
    services.send_back_items(_entries([item]), user=manager, reason="区分の整合を確認")
    assert _states([item]) == [S.RETURNED]


@pytest.mark.parametrize(
    ("move", "role"),
    [
        ("submit", "other_staff"),
        ("submit", "other_head"),
        ("submit", "manager"),
        ("approve", "staff"),
        ("approve", "other_head"),
        ("approve", "manager"),
        ("send_back", "staff"),
        ("send_back", "other_head"),
    ],
)
def test_a_move_by_someone_without_the_right_changes_nothing(world, move, role):
    items = world["items"][:2]
    _record(items, world["staff"])
    if move != "submit":
        services.submit_items(_entries(items), user=world["staff"])
    before = _snapshot()
    call = {
        "submit": services.submit_items,
        "approve": services.approve_items,
        "send_back": lambda entries, user: services.send_back_items(
            entries, user=user, reason="理由"
        ),
    }[move]
    with pytest.raises(ValidationError, match="権限がありません"):
        call(_entries(items), user=world[role])
    assert _snapshot() == before


def test_a_move_the_table_does_not_allow_is_refused_by_name(world):
    first, second, third = world["items"]
    staff, head = world["staff"], world["head"]
    _record([first, second], staff)
    with pytest.raises(ValidationError) as refused:
        services.approve_items(_entries([first]), user=head)
    assert refused.value.messages == [
        f"取組 {first.code}「{first.title}」は「入力済み」のため、承認できません。"
        "承認できるのは提出された取組です。"
    ]
    with pytest.raises(ValidationError) as refused:
        services.submit_items(_entries([first, third]), user=staff)
    assert refused.value.messages == [
        f"取組 {third.code}「{third.title}」は「未入力」のため、提出できません。"
        "先に達成状況を記録してください。"
    ]
    # All or nothing: the first item was not submitted either.
    assert _states([first, second]) == [S.ENTERED, S.ENTERED]
    with pytest.raises(ValidationError, match="「入力済み」のため、差戻しできません"):
        services.send_back_items(_entries([first]), user=head, reason="理由")


def test_send_back_needs_a_reason(world):
    item = world["items"][0]
    _record([item], world["staff"])
    services.submit_items(_entries([item]), user=world["staff"])
    before = _snapshot()
    with pytest.raises(ValidationError, match="差し戻す理由を入力してください"):
        services.send_back_items(_entries([item]), user=world["head"], reason="  　 ")
    assert _snapshot() == before


def test_a_locked_year_refuses_every_move(world):
    item = world["items"][0]
    _record([item], world["staff"])
    services.submit_items(_entries([item]), user=world["staff"])
    EvaluationYear.objects.update_or_create(
        plan=world["plan"], fiscal_year=YEAR, defaults={"is_locked": True}
    )[0]
    before = _snapshot()
    with pytest.raises(ValidationError, match="確定済みのため変更できません"):
        services.approve_items(_entries([item]), user=world["head"])
    with pytest.raises(ValidationError, match="確定済みのため変更できません"):
        services.send_back_items(_entries([item]), user=world["manager"], reason="理由")
    assert _snapshot() == before


def test_a_move_based_on_an_old_version_is_refused(world):
    item, staff = world["items"][0], world["staff"]
    _record([item], staff)
    seen = YearlyStatus.objects.get(item=item, fiscal_year=YEAR).version
    services.submit_items(_entries([item], seen), user=staff)
    # The staff member changes the status after submitting; the 課長 still has the old page.
    services.record_status(item, YEAR, status="not_achieved", comment="遅延", user=staff)
    services.submit_items(_entries([item]), user=staff)
    before = _snapshot()
    with pytest.raises(ValidationError, match="画面を開いた後に変更されました（現在は「提出」）"):
        services.approve_items(_entries([item], seen), user=world["head"])
    assert _snapshot() == before


def test_the_same_item_twice_or_no_item_is_refused(world):
    item = world["items"][0]
    _record([item], world["staff"])
    with pytest.raises(ValidationError, match="2回指定されています"):
        services.submit_items(_entries([item, item]), user=world["staff"])
    with pytest.raises(ValidationError, match="取組が選ばれていません"):
        services.submit_items([], user=world["staff"])


def _move_queries(world, count):
    plan, section = world["plan"], world["items"][0].section
    items = make_items(plan, plan.areas.first(), count, section=section)
    services.record_statuses([services.StatusEntry(item, YEAR, "achieved") for item in items])
    for item in items:
        item.plan = plan  # as the views load them: with their plan
    staff, head = world["staff"], world["head"]
    counts = []
    for call in (
        lambda: services.submit_items(_entries(items), user=staff),
        lambda: services.send_back_items(_entries(items), user=head, reason="見直し"),
        lambda: services.submit_items(_entries(items), user=staff),
        lambda: services.approve_items(_entries(items), user=head),
    ):
        for user in (staff, head):  # each request starts without the role caches
            user.__dict__.pop("_role_names", None)
            user.__dict__.pop("_section_ids", None)
        with CaptureQueriesContext(connection) as queries:
            moved = call()
        assert len(moved) == count
        counts.append(len(queries))
    assert _states(items) == [S.APPROVED] * count
    return counts


def test_bulk_moves_take_the_same_queries_for_2_and_60_items(world):
    assert _move_queries(world, 2) == _move_queries(world, 60)


def test_every_move_and_round_change_tells_the_caches(world):
    from plans.versions import current

    plan, item = world["plan"], world["items"][0]
    _record([item], world["staff"])
    seen = []
    for call in (
        lambda: services.open_round(plan, YEAR, deadline=_soon(), user=world["manager"]),
        lambda: services.submit_items(_entries([item]), user=world["staff"]),
        lambda: services.send_back_items(_entries([item]), user=world["head"], reason="再確認"),
        lambda: services.submit_items(_entries([item]), user=world["staff"]),
        lambda: services.approve_items(_entries([item]), user=world["head"]),
        lambda: services.close_round(plan, YEAR, user=world["manager"]),
    ):
        before = current().get((plan.pk, YEAR))
        call()
        seen.append(current().get((plan.pk, YEAR)) != before)
    assert seen == [True] * 6
