"""確定 and 公表 of a fiscal year's evaluation (and undoing them), each audited.

A lock that would fix items that are not approved (unrated ones included)
needs a written reason; so does publishing a year with unrated items (the
reason is kept on the year and shown to the public beside the figures);
withdrawing a publication and unlocking need one too.
The reason and the gaps at the moment of the lock go into the audit entry.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actions.models import ActionItem, AuditEntry, EvaluationYear
from actions.services.errors import out_of_period_message
from plans.versions import data_changed
from plans.wareki import fiscal_year_label


def _evaluation_year(plan, fiscal_year, create=True):
    """The year's evaluation row, locked FOR UPDATE.

    Without ``create`` a missing row is returned unsaved (never locked, never
    published), so an action that changes nothing writes nothing either.
    """
    evaluation = (
        EvaluationYear.objects.select_for_update()
        .filter(plan=plan, fiscal_year=fiscal_year)
        .first()
    )
    if evaluation is not None:
        return evaluation
    if not plan.covers_fiscal_year(fiscal_year):
        raise ValidationError(out_of_period_message(plan, fiscal_year), code="out_of_period")
    if not create:
        return EvaluationYear(plan=plan, fiscal_year=fiscal_year)
    evaluation, _ = EvaluationYear.objects.select_for_update().get_or_create(
        plan=plan, fiscal_year=fiscal_year
    )
    return evaluation


def _year_audit(plan, fiscal_year, action, user, before, after, reason="", source=None):
    data_changed(plan, [fiscal_year])  # cached figures and pages of the year
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


def _required_reason(reason, message):
    """The reason, stripped; a ValidationError with ``message`` when it is blank."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(message, code="reason_required")
    return reason


def gaps_message(gaps):
    """「承認されていない取組が 5件（うち未評価 3件）あります。」"""
    unrated = f"（うち未評価 {gaps.not_evaluated}件）" if gaps.not_evaluated else ""
    return f"承認されていない取組が {gaps.not_approved}件{unrated}あります。"


@transaction.atomic
def lock_year(plan, fiscal_year, *, reason="", expected_gaps=None, user=None, source=None):
    """確定: freeze the evaluation of a fiscal year so staff can no longer change it.

    With items not approved (or not rated) the lock needs ``reason``. A caller
    that showed the gaps passes them as ``expected_gaps``: if the year changed
    since, nothing is locked and the caller shows the new gaps.
    """
    evaluation = _evaluation_year(plan, fiscal_year)
    if evaluation.is_locked:
        return evaluation, False
    # After the year row is locked: a save in progress has committed, none can start.
    gaps = ActionItem.objects.for_plan(plan).year_gaps(fiscal_year)
    if expected_gaps is not None and gaps != expected_gaps:
        now = gaps_message(gaps) if gaps else "いまは承認されていない取組はありません。"
        raise ValidationError(
            f"確認の後に評価が変わりました。{now}内容を確かめてから、もう一度確定してください。",
            code="stale",
        )
    reason = (reason or "").strip()
    if gaps and not reason:
        raise ValidationError(
            gaps_message(gaps)
            + "このまま確定するには、理由を入力してください（変更履歴に記録します）。",
            code="reason_required",
        )
    before = _year_state(evaluation)
    evaluation.is_locked = True
    evaluation.locked_at = timezone.now()
    evaluation.locked_by = user if user and user.is_authenticated else None
    evaluation.save(update_fields=["is_locked", "locked_at", "locked_by"])
    _year_audit(
        plan,
        fiscal_year,
        "年度評価の確定",
        user,
        before,
        {**_year_state(evaluation), **gaps.as_dict()},
        reason,
        source,
    )
    return evaluation, True


@transaction.atomic
def unlock_year(plan, fiscal_year, *, reason, user=None, source=None):
    """確定解除: only with a recorded reason."""
    reason = _required_reason(reason, "確定を解除する理由を入力してください。")
    evaluation = _evaluation_year(plan, fiscal_year, create=False)
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
def publish_year(plan, fiscal_year, *, user=None, publish=True, reason="", source=None):
    """公表 a fiscal year's figures (``publish=False``: withdraw them, see unpublish_year)."""
    if not publish:
        return unpublish_year(plan, fiscal_year, reason=reason, user=user, source=source)
    evaluation = _evaluation_year(plan, fiscal_year)
    if evaluation.is_published:
        return evaluation, False
    if not evaluation.is_locked:
        raise ValidationError("公表する前に、その年度の評価を確定してください。", code="not_locked")
    # The year is locked: its ratings cannot change between this count and the write.
    gaps = ActionItem.objects.for_plan(plan).year_gaps(fiscal_year)
    reason = (reason or "").strip()
    if gaps.not_evaluated and not reason:
        raise ValidationError(
            f"未評価の取組が {gaps.not_evaluated}件あります（評価済み "
            f"{gaps.total - gaps.not_evaluated}／{gaps.total}）。このまま公表するには、理由を入力して"
            "ください（達成度の横に町民の皆さまにも表示し、変更履歴に記録します）。",
            code="reason_required",
        )
    before = _year_state(evaluation)
    evaluation.is_published = True
    evaluation.published_at = timezone.now()
    evaluation.published_by = user if user and user.is_authenticated else None
    evaluation.publication_note = reason if gaps.not_evaluated else ""
    evaluation.save(
        update_fields=["is_published", "published_at", "published_by", "publication_note"]
    )
    _year_audit(
        plan,
        fiscal_year,
        "年度評価の公表",
        user,
        before,
        {**_year_state(evaluation), **gaps.as_dict()},
        evaluation.publication_note,
        source,
    )
    return evaluation, True


@transaction.atomic
def unpublish_year(plan, fiscal_year, *, reason, user=None, source=None):
    """公表取消: the figures leave the public pages and open data; only with a recorded reason."""
    reason = _required_reason(reason, "公表を取り消す理由を入力してください。")
    evaluation = _evaluation_year(plan, fiscal_year, create=False)
    if not evaluation.is_published:
        return evaluation, False
    before = _year_state(evaluation)
    evaluation.is_published = False
    evaluation.published_at = None
    evaluation.published_by = None
    evaluation.publication_note = ""
    evaluation.save(
        update_fields=["is_published", "published_at", "published_by", "publication_note"]
    )
    _year_audit(
        plan,
        fiscal_year,
        "年度評価の公表取消",
        user,
        before,
        _year_state(evaluation),
        reason,
        source,
    )
    return evaluation, True
