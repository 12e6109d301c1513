"""Every write to the yearly evaluation goes through these functions.

Each one checks the rules (locked years, required comments, stale edits),
writes with ``update_fields`` inside one transaction, and records its own
``AuditEntry``. Views, the admin, imports and commands all call them.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from actions.models import (
    ActionItem,
    AuditEntry,
    EvaluationYear,
    Kpi,
    KpiActual,
    Status,
    YearlyStatus,
)
from plans.models import Plan

COMMENT_REQUIRED = {Status.NOT_ACHIEVED, Status.UNDETERMINABLE}
UNCHECKED = object()  # no expected value given: the write is not checked for staleness
CREATED, UPDATED, UNCHANGED, DELETED = "created", "updated", "unchanged", "deleted"
RACE_ATTEMPTS = 3  # a lost first-time insert race is re-planned against the winner's row


class YearLockedError(ValidationError):
    pass


class StaleEditError(ValidationError):
    """Somebody else saved the same item and year after this edit began."""

    def __init__(self, current):
        self.current = current
        if current is None:  # the row the editor started from no longer exists
            super().__init__(
                "この取組の達成状況は、編集を始めた後に変更されました（現在の値: 未評価）。"
                "内容を確認してから、もう一度保存してください。",
                code="stale",
            )
            return
        who = current.updated_by.get_username() if current.updated_by else "不明な利用者"
        when = timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M")
        super().__init__(
            f"この取組の達成状況は、編集を始めた後に {who} さんが {when} に更新しました"
            f"（現在の値: {current.status_label}）。内容を確認してから、もう一度保存してください。",
            code="stale",
        )


class StaleActualError(StaleEditError):
    """Somebody else changed a KPI actual of the same item and year meanwhile."""

    def __init__(self, kpi, current):
        self.kpi = kpi
        self.current = current
        who = (
            current.updated_by.get_username()
            if current is not None and current.updated_by
            else "他の利用者"
        )
        value = current.value.normalize() if current is not None else "（未入力）"
        ValidationError.__init__(
            self,
            f"指標「{kpi.name}」の実績値は、編集を始めた後に {who} さんが更新しました"
            f"（現在の値: {value}）。内容を確認してから、もう一度保存してください。",
            code="stale",
        )


def is_year_locked(plan, fiscal_year):
    return EvaluationYear.objects.filter(
        plan=plan, fiscal_year=fiscal_year, is_locked=True
    ).exists()


def check_year_open(plan, fiscal_year, locked_years=None):
    locked = (
        fiscal_year in locked_years
        if locked_years is not None
        else is_year_locked(plan, fiscal_year)
    )
    if locked:
        from plans.wareki import fiscal_year_label

        raise YearLockedError(
            f"{fiscal_year_label(fiscal_year)}の評価は確定済みのため変更できません。"
            "変更が必要な場合は管理者に確定の解除を依頼してください。",
            code="locked",
        )


def _status_snapshot(status):
    return {
        "status": status.status,
        "status_label": status.status_label,
        "comment": status.comment,
        "evidence": status.evidence,
    }


def validate_status(item, fiscal_year, status, comment):
    if status and status not in Status.values:
        allowed = "、".join(Status.labels)
        raise ValidationError(
            f"達成状況は {allowed} のいずれか（空欄は未評価）です。", code="invalid_status"
        )
    if not item.plan.covers_fiscal_year(fiscal_year):
        from plans.wareki import fiscal_year_label

        raise ValidationError(
            f"{fiscal_year_label(fiscal_year)}は計画期間"
            f"（{fiscal_year_label(item.plan.first_fiscal_year)}～"
            f"{fiscal_year_label(item.plan.last_fiscal_year)}）の外です。",
            code="out_of_period",
        )
    if status in COMMENT_REQUIRED and not comment.strip():
        raise ValidationError(
            f"達成状況が「{Status(status).label}」のときは備考（理由）を入力してください。",
            code="comment_required",
        )


def _locked_status(item, fiscal_year):
    """The item's status row for the year, locked until the transaction ends."""
    return (
        YearlyStatus.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(item=item, fiscal_year=fiscal_year)
        .first()
    )


def _create_status(item, fiscal_year, expected_version):
    """Insert the first status row of an item and year, or lose the race cleanly.

    Two first-time saves both see no row; the unique constraint lets one in.
    The other gets the winner's row: a stale edit when it expected none,
    otherwise (imports, expected_version None) the row to update.
    """
    status = YearlyStatus(item=item, fiscal_year=fiscal_year, version=0)
    try:
        with transaction.atomic():
            status.save()
    except IntegrityError:
        winner = _locked_status(item, fiscal_year)
        if winner is None:
            raise
        if expected_version is not None:
            raise StaleEditError(winner) from None
        return winner
    return status


@transaction.atomic
def record_status(
    item,
    fiscal_year,
    *,
    status,
    comment="",
    evidence="",
    user=None,
    source=AuditEntry.Source.WEB,
    expected_version=None,
    locked_years=None,
):
    """Record an item's 達成状況 for a fiscal year; return (YearlyStatus, changed).

    ``expected_version`` is the version the editor started from (0 for a
    status that did not exist yet); a different current version means
    somebody else saved in between, and the save is refused.
    """
    status = status or ""
    comment = (comment or "").strip()
    evidence = (evidence or "").strip()
    validate_status(item, fiscal_year, status, comment)
    check_year_open(item.plan, fiscal_year, locked_years)

    current = _locked_status(item, fiscal_year)
    current_version = current.version if current else 0
    if expected_version is not None and int(expected_version) != current_version:
        raise StaleEditError(current)

    if current is None:
        current = _create_status(item, fiscal_year, expected_version)
        current_version = current.version
    before = _status_snapshot(current) if current_version else None
    if before and (current.status, current.comment, current.evidence) == (
        status,
        comment,
        evidence,
    ):
        return current, False

    current.status = status
    current.comment = comment
    current.evidence = evidence
    current.updated_by = user if user and user.is_authenticated else None
    current.version = current_version + 1
    current.save(
        update_fields=["status", "comment", "evidence", "updated_by", "version", "updated_at"]
    )
    AuditEntry.objects.create(
        user=current.updated_by,
        action="達成状況の記録",
        source=source,
        plan=item.plan,
        item=item,
        section_id=item.section_id,
        fiscal_year=fiscal_year,
        object_repr=str(item)[:300],
        before=before,
        after=_status_snapshot(current),
    )
    return current, True


@transaction.atomic
def record_kpi_actual(
    kpi,
    fiscal_year,
    value,
    *,
    user=None,
    source=AuditEntry.Source.WEB,
    locked_years=None,
    expected_value=UNCHECKED,
):
    """Record (or, with ``value`` None, remove) a KPI's actual for a fiscal year.

    With ``expected_value`` (the value the editor started from, None for
    none), a different current value raises StaleActualError. The check reads
    the same locked row that is then written, so it holds under concurrency.
    """
    item = kpi.item
    if not item.plan.covers_fiscal_year(fiscal_year):
        validate_status(item, fiscal_year, "", "")
    check_year_open(item.plan, fiscal_year, locked_years)
    actual = (
        KpiActual.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(kpi=kpi, fiscal_year=fiscal_year)
        .first()
    )
    if expected_value is not UNCHECKED and _as_decimal(expected_value) != (
        actual.value if actual else None
    ):
        raise StaleActualError(kpi, actual)
    before = {"value": str(actual.value)} if actual else None
    if value is None:
        if actual is None:
            return None, False
        actual.delete()
        after = None
    else:
        value = Decimal(value)
        if actual is not None and actual.value == value:
            return actual, False
        editor = user if user and user.is_authenticated else None
        if actual is None:
            actual = KpiActual.objects.create(
                kpi=kpi, fiscal_year=fiscal_year, value=value, updated_by=editor
            )
        else:
            actual.value = value
            actual.updated_by = editor
            actual.save(update_fields=["value", "updated_by", "updated_at"])
        after = {"value": str(actual.value)}
    AuditEntry.objects.create(
        user=user if user and user.is_authenticated else None,
        action="指標実績の記録",
        source=source,
        plan=item.plan,
        item=item,
        section_id=item.section_id,
        fiscal_year=fiscal_year,
        object_repr=f"{item} / {kpi.name}"[:300],
        before=before,
        after=after,
    )
    return actual, True


@transaction.atomic
def record_evaluation(
    item,
    fiscal_year,
    *,
    status,
    comment="",
    evidence="",
    actuals=None,
    expected_actuals=None,
    user=None,
    source=AuditEntry.Source.WEB,
    expected_version=None,
):
    """Save one item's evaluation for a year (status and KPI actuals) all or nothing.

    ``actuals`` maps each Kpi to its new value (None removes it);
    ``expected_actuals`` maps each Kpi to the value the editor started from,
    so a KPI changed by somebody else meanwhile is refused like a stale status.
    Returns True when anything changed.
    """
    actuals = actuals or {}
    expected_actuals = expected_actuals or {}
    locked_years = {fiscal_year} if is_year_locked(item.plan, fiscal_year) else set()
    check_year_open(item.plan, fiscal_year, locked_years)
    changed = False
    if expected_version or status or (comment or "").strip() or (evidence or "").strip():
        # A form that started from no status and still has none leaves the
        # status alone (no empty row), whatever another editor saved meanwhile.
        _, changed = record_status(
            item,
            fiscal_year,
            status=status,
            comment=comment,
            evidence=evidence,
            user=user,
            source=source,
            expected_version=expected_version,
            locked_years=locked_years,
        )
    for kpi, value in actuals.items():
        try:
            with transaction.atomic():
                _, kpi_changed = record_kpi_actual(
                    kpi,
                    fiscal_year,
                    value,
                    user=user,
                    source=source,
                    locked_years=locked_years,
                    expected_value=expected_actuals.get(kpi, UNCHECKED),
                )
        except IntegrityError:
            # Another first-time save of the same actual won the race.
            raise StaleActualError(
                kpi, KpiActual.objects.filter(kpi=kpi, fiscal_year=fiscal_year).first()
            ) from None
        changed = changed or kpi_changed
    return changed


def _as_decimal(value):
    return None if value is None or value == "" else Decimal(value)


def _evaluation_year(plan, fiscal_year):
    evaluation, _ = EvaluationYear.objects.select_for_update().get_or_create(
        plan=plan, fiscal_year=fiscal_year
    )
    return evaluation


def _year_audit(plan, fiscal_year, action, user, before, after, reason="", source=None):
    from plans.wareki import fiscal_year_label

    AuditEntry.objects.create(
        user=user if user and user.is_authenticated else None,
        action=action,
        source=source or AuditEntry.Source.WEB,
        plan=plan,
        fiscal_year=fiscal_year,
        object_repr=f"{plan} {fiscal_year_label(fiscal_year)}",
        before=before,
        after=after,
        reason=reason,
    )


def _year_state(evaluation):
    return {"is_locked": evaluation.is_locked, "is_published": evaluation.is_published}


@transaction.atomic
def lock_year(plan, fiscal_year, *, user=None, source=None):
    """確定: freeze the evaluation of a fiscal year so staff can no longer change it."""
    evaluation = _evaluation_year(plan, fiscal_year)
    if evaluation.is_locked:
        return evaluation, False
    before = _year_state(evaluation)
    evaluation.is_locked = True
    evaluation.locked_at = timezone.now()
    evaluation.locked_by = user if user and user.is_authenticated else None
    evaluation.save(update_fields=["is_locked", "locked_at", "locked_by"])
    _year_audit(
        plan, fiscal_year, "年度評価の確定", user, before, _year_state(evaluation), source=source
    )
    return evaluation, True


@transaction.atomic
def unlock_year(plan, fiscal_year, *, reason, user=None, source=None):
    """確定解除: only with a recorded reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("確定を解除する理由を入力してください。", code="reason_required")
    evaluation = _evaluation_year(plan, fiscal_year)
    if not evaluation.is_locked:
        return evaluation, False
    if evaluation.is_published:
        raise ValidationError(
            "公表中の年度は確定を解除できません。先に公表を取り消してください。",
            code="published",
        )
    before = _year_state(evaluation)
    evaluation.is_locked = False
    evaluation.save(update_fields=["is_locked"])
    _year_audit(
        plan,
        fiscal_year,
        "年度評価の確定解除",
        user,
        before,
        _year_state(evaluation),
        reason,
        source,
    )
    return evaluation, True


@transaction.atomic
def publish_year(plan, fiscal_year, *, user=None, publish=True, source=None):
    """公表 (or withdraw with ``publish=False``) a fiscal year's figures."""
    evaluation = _evaluation_year(plan, fiscal_year)
    if evaluation.is_published == publish:
        return evaluation, False
    if publish and not evaluation.is_locked:
        raise ValidationError("公表する前に、その年度の評価を確定してください。", code="not_locked")
    before = _year_state(evaluation)
    evaluation.is_published = publish
    evaluation.published_at = timezone.now() if publish else None
    evaluation.published_by = user if publish and user and user.is_authenticated else None
    evaluation.save(update_fields=["is_published", "published_at", "published_by"])
    action = "年度評価の公表" if publish else "年度評価の公表取消"
    _year_audit(plan, fiscal_year, action, user, before, _year_state(evaluation), source=source)
    return evaluation, True
