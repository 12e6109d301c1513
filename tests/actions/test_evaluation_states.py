"""The round's item states (actions.workflow), plan revisions' years and the 課長 role."""

import pytest
from django.core.exceptions import ValidationError

from actions import permissions, services, workflow
from actions.models import AuditEntry, EvaluationState, YearlyStatus
from actions.tables import describe_change
from plans.models import Plan
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section

S = EvaluationState
YEAR = 2026


@pytest.fixture
def world(db):
    plan = make_plan()
    mine, other = make_section(), make_section()
    item = make_items(plan, plan.areas.first(), 1, section=mine)[0]
    other_item = make_items(plan, plan.areas.first(), 1, section=other)[0]
    return {
        "plan": plan,
        "item": item,
        "other_item": other_item,
        "staff": make_user("staff", "staff", [mine]),
        "head": make_user("head", "section_head", [mine]),
        "manager": make_user("manager", "manager"),
        "admin": make_user("admin", "admin"),
    }


def test_the_table_allows_only_the_round_s_moves():
    assert workflow.allows("submit", S.ENTERED)
    assert workflow.allows("submit", S.RETURNED)
    assert not workflow.allows("submit", S.NOT_ENTERED)
    assert not workflow.allows("submit", S.APPROVED)
    assert workflow.allows("approve", S.SUBMITTED)
    assert not workflow.allows("approve", S.ENTERED)
    assert workflow.allows("send_back", S.SUBMITTED)
    assert workflow.allows("send_back", S.APPROVED)
    assert not workflow.allows("send_back", S.NOT_ENTERED)
    assert workflow.SEND_BACK.needs_reason and not workflow.APPROVE.needs_reason
    assert all(workflow.allows("record", state) for state in S)


def test_an_item_without_a_status_is_not_entered(world):
    assert workflow.state_of(None) == S.NOT_ENTERED
    row = YearlyStatus(item=world["item"], fiscal_year=YEAR, comment="メモだけ", state=S.ENTERED)
    assert workflow.state_of(row) == S.NOT_ENTERED


def test_saving_a_status_makes_it_entered(world):
    status, _ = services.record_status(world["item"], YEAR, status="achieved", user=world["staff"])
    assert status.state == S.ENTERED
    assert status.state_changed_by == world["staff"]


def test_a_change_after_approval_drops_back_to_entered_visibly(world):
    status, _ = services.record_status(world["item"], YEAR, status="achieved")
    YearlyStatus.objects.filter(pk=status.pk).update(state=S.APPROVED)

    status, changed = services.record_status(
        world["item"], YEAR, status="partially_achieved", user=world["staff"]
    )

    assert changed and status.state == S.ENTERED
    assert YearlyStatus.objects.get(pk=status.pk).state == S.ENTERED
    entry = AuditEntry.objects.filter(item=world["item"]).latest("id")
    assert "評価作業の状態: 承認 → 入力済み" in describe_change(entry)


def test_an_unchanged_save_keeps_the_approval(world):
    status, _ = services.record_status(world["item"], YEAR, status="achieved")
    YearlyStatus.objects.filter(pk=status.pk).update(state=S.APPROVED)
    _, changed = services.record_status(world["item"], YEAR, status="achieved")
    assert not changed
    assert YearlyStatus.objects.get(pk=status.pk).state == S.APPROVED


def test_bulk_saves_set_the_state_row_by_row(world):
    plan = world["plan"]
    items = make_items(plan, plan.areas.first(), 3)
    services.record_statuses(
        [services.StatusEntry(item, YEAR, "achieved") for item in items[:2]]
        + [services.StatusEntry(items[2], YEAR, "", "理由だけ")]
    )
    states = dict(YearlyStatus.objects.filter(item__in=items).values_list("item__code", "state"))
    assert states == {
        items[0].code: S.ENTERED,
        items[1].code: S.ENTERED,
        items[2].code: S.NOT_ENTERED,
    }


def test_a_section_head_approves_only_their_section_and_may_record(world):
    head, item, other = world["head"], world["item"], world["other_item"]
    assert permissions.is_section_head(head) and permissions.is_staff_member(head)
    assert permissions.can_approve_item(head, item)
    assert not permissions.can_approve_item(head, other)
    assert permissions.can_send_back_item(head, item)
    assert not permissions.can_send_back_item(head, other)
    assert permissions.can_edit_item(head, item)
    assert not permissions.can_edit_item(head, other)


def test_staff_cannot_approve_and_managers_send_back_but_do_not_approve(world):
    staff, manager, admin, item = world["staff"], world["manager"], world["admin"], world["item"]
    assert not permissions.can_approve_item(staff, item)
    assert not permissions.can_send_back_item(staff, item)
    assert not permissions.can_approve_item(manager, item)
    assert permissions.can_send_back_item(manager, item)
    assert permissions.can_approve_item(admin, item) and permissions.can_send_back_item(admin, item)


def test_the_section_head_role_exists_after_migrations(db):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name=permissions.SECTION_HEAD_GROUP)
    assert group.permissions.filter(codename="change_yearlystatus").exists()
    assert not group.permissions.filter(codename="change_evaluationyear").exists()


def test_a_revision_is_evaluated_only_from_the_year_it_takes_effect(town_data):
    one, two = Plan.objects.get(slug="nakai-dx-1.0"), Plan.objects.get(slug="nakai-dx-2.0")
    assert list(one.fiscal_years) == [2023, 2024, 2025]
    assert list(two.fiscal_years) == [2026, 2027, 2028]
    assert two.fiscal_years_label == "令和8年度～令和10年度"
    item = two.items.first()
    with pytest.raises(
        ValidationError, match="評価の対象年度（令和8年度～令和10年度）ではありません"
    ):
        services.record_status(item, 2025, status="achieved")
    assert not YearlyStatus.objects.filter(item=item).exists()


def test_the_town_s_published_statuses_are_approved(town_data):
    states = set(
        YearlyStatus.objects.filter(item__plan__slug="nakai-dx-1.0").values_list("state", flat=True)
    )
    assert states == {S.APPROVED}
