"""The yearly round (評価作業): its deadline, and the moves of items through it.

The 本部 (managers, admins) opens the round of a plan's fiscal year with a
deadline (締切日), may change the deadline, and closes it. Items move through
the table in actions.workflow: staff submit (提出), the section's 課長 approves
(承認) or sends back (差戻し, with a reason; the 本部 may send back too).

Every function here checks who asks (actions.permissions), refuses a locked
year, writes inside one transaction and records an AuditEntry per change.
The item moves take many items at once (a 課長 approving twenty) in a
constant number of queries, all or nothing: one refused item refuses the
call, each refusal named in the Japanese message.

Recording a status is *not* tied to an open round: staff may record any
in-force year that is not locked, as the town has always done (and as the
workbook import does). The round adds the deadline, the progress board and
the reminders; only locking (確定) stops changes.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actions import permissions, workflow
from actions.models import ActionItem, AuditEntry, EvaluationState, YearlyStatus
from actions.services.errors import out_of_period_message
from actions.services.rows import (
    BULK_BATCH,
    _attach_plans,
    _locked_years_by_plan,
    check_year_open,
)
from actions.services.years import _evaluation_year, _year_audit
from plans import wareki
from plans.versions import data_changed

# A deadline more than this many years after its fiscal year's end is a typo.
DEADLINE_YEARS_AFTER_YEAR_END = 2


class RoundRefused(ValidationError):
    """A round action or item move that is not allowed; the message says why, in Japanese."""


# --- the round: open, change the deadline, close -------------------------------------


def deadline_label(deadline):
    """date(2027, 5, 31) -> 「令和9年5月31日（2027年5月31日）」."""
    return f"{wareki.date_label(deadline)}（{deadline.year}年{deadline.month}月{deadline.day}日）"


def _round_snapshot(evaluation):
    if evaluation.round_is_open:
        state = "評価作業中"
    elif evaluation.round_closed_at is not None:
        state = "終了"
    else:
        state = "未開始"
    return {
        "round_label": state,
        "deadline_label": deadline_label(evaluation.deadline) if evaluation.deadline else "",
    }


def _check_manager(user):
    if not permissions.can_manage_round(user):
        raise RoundRefused(
            "評価作業の開始・締切日の変更・終了は、管理職（DX推進本部）または管理者が行います。",
            code="not_permitted",
        )


def _check_deadline(fiscal_year, deadline):
    if not isinstance(deadline, datetime.date):
        raise RoundRefused("締切日を入力してください。", code="deadline_required")
    if deadline < timezone.localdate():
        raise RoundRefused(
            f"締切日（{deadline_label(deadline)}）が過ぎています。今日以降の日付を指定してください。",
            code="deadline_past",
        )
    latest = wareki.fiscal_year_end(fiscal_year).replace(
        year=wareki.fiscal_year_end(fiscal_year).year + DEADLINE_YEARS_AFTER_YEAR_END
    )
    if deadline > latest:
        raise RoundRefused(
            f"締切日（{deadline_label(deadline)}）が{wareki.fiscal_year_label(fiscal_year)}の"
            f"年度末から{DEADLINE_YEARS_AFTER_YEAR_END}年より後です。日付を確かめてください。",
            code="deadline_far",
        )


def _check_not_locked(evaluation, what):
    if evaluation.is_locked:
        raise RoundRefused(
            f"{wareki.fiscal_year_label(evaluation.fiscal_year)}の評価は確定済みのため、"
            f"{what}できません。",
            code="locked",
        )


def _round_year(plan, fiscal_year):
    """The year's row FOR UPDATE (created on first use); out-of-period years are refused."""
    if not plan.covers_fiscal_year(fiscal_year):
        raise RoundRefused(out_of_period_message(plan, fiscal_year), code="out_of_period")
    return _evaluation_year(plan, fiscal_year)


def _round_audit(evaluation, action, user, before, reason="", source=None):
    _year_audit(
        evaluation.plan,
        evaluation.fiscal_year,
        action,
        user,
        before,
        _round_snapshot(evaluation),
        reason=reason,
        source=source,
    )


@transaction.atomic
def open_round(plan, fiscal_year, *, deadline, user, source=None):
    """評価作業の開始: open (or reopen) the round of a fiscal year with a deadline."""
    _check_manager(user)
    evaluation = _round_year(plan, fiscal_year)
    _check_not_locked(evaluation, "評価作業を開始")
    if evaluation.round_is_open:
        raise RoundRefused(
            f"{plan}の{wareki.fiscal_year_label(fiscal_year)}はすでに評価作業中です"
            f"（締切日 {deadline_label(evaluation.deadline)}）。締切日は「締切日を変更する」で変えられます。",
            code="already_open",
        )
    _check_deadline(fiscal_year, deadline)
    before = _round_snapshot(evaluation)
    evaluation.deadline = deadline
    evaluation.round_opened_at = timezone.now()
    evaluation.round_opened_by = user
    evaluation.round_closed_at = None
    evaluation.round_closed_by = None
    evaluation.save(
        update_fields=[
            "deadline",
            "round_opened_at",
            "round_opened_by",
            "round_closed_at",
            "round_closed_by",
        ]
    )
    _round_audit(evaluation, "評価作業の開始", user, before, source=source)
    return evaluation


@transaction.atomic
def change_deadline(plan, fiscal_year, *, deadline, user, reason="", source=None):
    """締切日の変更 of an open round; returns (evaluation, changed)."""
    _check_manager(user)
    evaluation = _round_year(plan, fiscal_year)
    _check_not_locked(evaluation, "締切日を変更")
    if not evaluation.round_is_open:
        raise RoundRefused(
            f"{wareki.fiscal_year_label(fiscal_year)}の評価作業は行われていません。"
            "先に評価作業を開始してください。",
            code="not_open",
        )
    if deadline == evaluation.deadline:
        return evaluation, False
    _check_deadline(fiscal_year, deadline)
    before = _round_snapshot(evaluation)
    evaluation.deadline = deadline
    evaluation.save(update_fields=["deadline"])
    _round_audit(evaluation, "締切日の変更", user, before, (reason or "").strip(), source)
    return evaluation, True


@transaction.atomic
def close_round(plan, fiscal_year, *, user, source=None):
    """評価作業の終了: the round stops (no more reminders); items stay as they are."""
    _check_manager(user)
    evaluation = _round_year(plan, fiscal_year)
    if not evaluation.round_is_open:
        raise RoundRefused(
            f"{wareki.fiscal_year_label(fiscal_year)}の評価作業は行われていません。",
            code="not_open",
        )
    before = _round_snapshot(evaluation)
    evaluation.round_closed_at = timezone.now()
    evaluation.round_closed_by = user
    evaluation.save(update_fields=["round_closed_at", "round_closed_by"])
    _round_audit(evaluation, "評価作業の終了", user, before, source=source)
    return evaluation


# --- item moves: submit, approve, send back ------------------------------------------


@dataclass(frozen=True)
class MoveEntry:
    """One item's evaluation for a year to move, and the version the user saw (None: unchecked)."""

    item: ActionItem
    fiscal_year: int
    expected_version: int | None = None


WHO_MAY = {
    workflow.SUBMIT.name: (
        permissions.can_submit_item,
        "担当課の職員・課長",
    ),
    workflow.APPROVE.name: (permissions.can_approve_item, "担当課の課長"),
    workflow.SEND_BACK.name: (
        permissions.can_send_back_item,
        "担当課の課長またはDX推進本部（管理職）",
    ),
}


def _item_name(item):
    return f"取組 {item.code}「{item.title}」"


def _normal(entry):
    if not isinstance(entry, MoveEntry):
        entry = MoveEntry(*entry)
    version = entry.expected_version
    return MoveEntry(entry.item, int(entry.fiscal_year), None if version is None else int(version))


@transaction.atomic
def move_items(transition, entries, *, user, reason="", source=AuditEntry.Source.WEB):
    """Apply ``transition`` (workflow.SUBMIT, APPROVE or SEND_BACK) to many item-years.

    Returns the moved YearlyStatus rows in the order given. Refused, all or
    nothing, with every reason in the message: a user who may not make the
    move for an item, a locked year, a state the table does not allow the
    move from (「承認」 cannot be submitted), a status changed since the user
    saw it (``expected_version``), a send-back without a reason. Queries:
    one for the plans (unless cached), one for the locked years, one to lock
    the rows, then one UPDATE per BULK_BATCH rows and one audit insert.
    """
    if isinstance(transition, str):
        transition = workflow.TRANSITIONS[transition]
    if transition not in (workflow.SUBMIT, workflow.APPROVE, workflow.SEND_BACK):
        raise ValueError(f"not a move of the round: {transition.name}")
    entries = [_normal(entry) for entry in entries]
    if not entries:
        raise RoundRefused("取組が選ばれていません。", code="empty")
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise RoundRefused(
            "差し戻す理由を入力してください（職員に表示されます）。", code="reason_required"
        )
    keys = [(entry.item.pk, entry.fiscal_year) for entry in entries]
    if len(set(keys)) != len(keys):
        raise RoundRefused("同じ取組・年度が2回指定されています。", code="duplicate")

    may, who = WHO_MAY[transition.name]
    not_permitted = [entry.item for entry in entries if not may(user, entry.item)]
    if not_permitted:
        names = "、".join(_item_name(item) for item in not_permitted)
        raise RoundRefused(
            f"{names}を{transition.done_label}する権限がありません（{who}が行います）。",
            code="not_permitted",
        )

    _attach_plans([entry.item for entry in entries])
    plans = {entry.item.plan for entry in entries}
    locked = _locked_years_by_plan(plans, {entry.fiscal_year for entry in entries}, None)
    for entry in entries:
        check_year_open(entry.item.plan, entry.fiscal_year, locked[entry.item.plan.pk])

    rows = {
        (row.item_id, row.fiscal_year): row
        for row in YearlyStatus.objects.select_for_update(of=("self",))
        .filter(
            item_id__in={entry.item.pk for entry in entries},
            fiscal_year__in={entry.fiscal_year for entry in entries},
        )
        .order_by("pk")
    }
    problems = []
    moving = []
    four_eyes_on = (
        permissions.four_eyes(town_id=entries[0].item.plan.town_id)
        if entries and transition is workflow.APPROVE
        else False
    )
    for entry in entries:
        row = rows.get((entry.item.pk, entry.fiscal_year))
        version = row.version if row else 0
        state = workflow.state_of(row)
        if entry.expected_version is not None and entry.expected_version != version:
            problems.append(
                f"{_item_name(entry.item)}の評価は、画面を開いた後に変更されました"
                f"（現在は「{EvaluationState(state).label}」）。画面を読み込み直してから、"
                "もう一度操作してください。"
            )
        elif not workflow.allows(transition, state):
            problems.append(
                f"{_item_name(entry.item)}は「{EvaluationState(state).label}」のため、"
                f"{transition.done_label}できません。{_hint(transition, state)}"
            )
        elif transition is workflow.APPROVE and not permissions.can_approve_status(
            user, entry.item, row, four_eyes_on
        ):
            problems.append(
                f"{_item_name(entry.item)}は自分で提出した取組のため、承認できません"
                "（提出した人とは別の課長または管理者が承認します）。"
            )
        else:
            moving.append((entry, row))
    if problems:
        raise RoundRefused(problems, code="not_allowed")

    now = timezone.now()
    audits = []
    for entry, row in moving:
        before = {"state": row.state, "state_label": row.get_state_display()}
        row.state = transition.target
        row.state_changed_at, row.state_changed_by = now, user
        if transition is workflow.SEND_BACK:
            row.return_reason = reason
        elif transition is workflow.APPROVE:
            row.return_reason = ""
        audits.append(
            AuditEntry(
                user=user,
                action=transition.done_label,
                source=source,
                plan=entry.item.plan,
                item=entry.item,
                section_id=entry.item.section_id,
                fiscal_year=entry.fiscal_year,
                object_repr=str(entry.item)[:300],
                before=before,
                after={"state": row.state, "state_label": row.get_state_display()},
                reason=reason,
            )
        )
    changes = {"state": transition.target, "state_changed_at": now, "state_changed_by": user}
    if transition is workflow.SEND_BACK:
        changes["return_reason"] = reason
    elif transition is workflow.APPROVE:
        changes["return_reason"] = ""
    pks = [row.pk for _entry, row in moving]
    for start in range(0, len(pks), BULK_BATCH):
        YearlyStatus.objects.filter(pk__in=pks[start : start + BULK_BATCH]).update(**changes)
    AuditEntry.objects.bulk_create(audits)
    # Cached pages that show the round's states are keyed by the year's data version.
    years, plans = defaultdict(set), {}
    for entry, _row in moving:
        plans[entry.item.plan_id] = entry.item.plan  # read for the audit rows above
        years[entry.item.plan_id].add(entry.fiscal_year)
    for plan_id, plan_years in years.items():
        data_changed(plans[plan_id], plan_years)
    return [row for _entry, row in moving]


def _hint(transition, state):
    if transition is workflow.SUBMIT and state == EvaluationState.NOT_ENTERED:
        return "先に達成状況を記録してください。"
    if transition is workflow.APPROVE and state != EvaluationState.SUBMITTED:
        return "承認できるのは提出された取組です。"
    return ""


def submit_items(entries, *, user, source=AuditEntry.Source.WEB):
    """提出: staff hand their recorded items to the section's 課長."""
    return move_items(workflow.SUBMIT, entries, user=user, source=source)


def approve_items(entries, *, user, source=AuditEntry.Source.WEB):
    """承認: the section's 課長 (or an admin) accepts submitted items."""
    return move_items(workflow.APPROVE, entries, user=user, source=source)


def send_back_items(entries, *, user, reason, source=AuditEntry.Source.WEB):
    """差戻し: back to the staff with a reason they see on 担当の取組 and the form."""
    return move_items(workflow.SEND_BACK, entries, user=user, reason=reason, source=source)
