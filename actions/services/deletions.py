"""Deletions that remove evaluation data (the admin's): each removal recorded, or refused.

Deleting a KPI or an action item takes its statuses and KPI actuals with it;
these functions write a history row for every one of them, in the same
transaction, and refuse (deleting nothing) when one lies in a locked year.
"""

from django.db import transaction
from django.db.models import Q

from actions.models import ActionItem, AuditEntry, EvaluationYear, Kpi, KpiActual, YearlyStatus
from actions.services.errors import YearLockedError
from actions.services.rows import _editor, hold_years
from actions.services.status import status_snapshot
from plans.models import Plan
from plans.wareki import fiscal_year_label


def _locked_years_among(pairs, hold):
    """The (plan id, fiscal year) pairs of ``pairs`` whose year is locked.

    ``hold`` (the deletion itself, inside its transaction) holds the years'
    rows FOR UPDATE (rows.hold_years), so a lock waits for the deletion. The
    admin's confirmation page only asks, outside any transaction.
    """
    pairs = set(pairs)
    if not pairs:
        return set()
    plan_ids, years = {plan_id for plan_id, _ in pairs}, {year for _, year in pairs}
    if hold:
        held = hold_years(Plan.objects.filter(pk__in=plan_ids), years)
        return {pair for pair, is_locked in held.items() if is_locked} & pairs
    locked = EvaluationYear.objects.filter(
        plan_id__in=plan_ids, fiscal_year__in=years, is_locked=True
    ).values_list("plan_id", "fiscal_year")
    return set(locked) & pairs


def _refuse_locked_deletion(pairs, what, hold):
    locked = _locked_years_among(pairs, hold)
    if locked:
        labels = "、".join(fiscal_year_label(year) for year in sorted({y for _, y in locked}))
        raise YearLockedError(
            f"{labels}の評価は確定済みで、この{what}にはその年度の達成状況または指標実績があるため"
            "削除できません。削除が必要な場合は、先に確定を解除してください。",
            code="locked",
        )


def _deleted_audit(action, *, item, plan, fiscal_year, object_repr, before, editor, source):
    return AuditEntry(
        user=editor,
        action=action,
        source=source,
        plan=plan,
        item=item,
        section_id=item.section_id if item else None,
        fiscal_year=fiscal_year,
        object_repr=object_repr[:300],
        before=before,
        after=None,
    )


def _kpi_snapshot(kpi):
    return {
        "name": kpi.name,
        "unit": kpi.unit,
        "baseline_value": None if kpi.baseline_value is None else str(kpi.baseline_value),
        "target_value": None if kpi.target_value is None else str(kpi.target_value),
    }


def _actual_audits(actuals, editor, source):
    return [
        _deleted_audit(
            "指標実績の削除",
            item=actual.kpi.item,
            plan=actual.kpi.item.plan,
            fiscal_year=actual.fiscal_year,
            object_repr=f"{actual.kpi.item} / {actual.kpi.name}",
            before={"value": str(actual.value)},
            editor=editor,
            source=source,
        )
        for actual in actuals
    ]


def check_kpis_deletable(kpis, *, hold=False):
    """Raise YearLockedError when an actual of these KPIs lies in a locked year.

    ``hold``: inside the deleting transaction, hold the years' rows (see _locked_years_among).
    """
    pairs = KpiActual.objects.filter(kpi__in=kpis).values_list("kpi__item__plan_id", "fiscal_year")
    _refuse_locked_deletion(pairs, "指標", hold)


@transaction.atomic
def delete_kpis(kpis, *, user=None, source=AuditEntry.Source.ADMIN):
    """Delete KPIs with their actuals, recording each removed actual and KPI.

    Refused (nothing deleted) when an actual lies in a locked year.
    """
    kpis = list(
        Kpi.objects.select_for_update(of=("self",))
        .filter(pk__in=[kpi.pk for kpi in kpis])
        .select_related("item__plan")
    )
    check_kpis_deletable(kpis, hold=True)
    editor = _editor(user)
    actuals = list(
        KpiActual.objects.filter(kpi__in=kpis)
        .select_related("kpi__item__plan")
        .order_by("kpi_id", "fiscal_year")
    )
    audits = _actual_audits(actuals, editor, source)
    audits += [
        _deleted_audit(
            "指標の削除",
            item=kpi.item,
            plan=kpi.item.plan,
            fiscal_year=None,
            object_repr=f"{kpi.item} / {kpi.name}",
            before=_kpi_snapshot(kpi),
            editor=editor,
            source=source,
        )
        for kpi in kpis
    ]
    AuditEntry.objects.bulk_create(audits)
    Kpi.objects.filter(pk__in=[kpi.pk for kpi in kpis]).delete()
    return len(kpis), len(actuals)


def check_items_deletable(items, *, hold=False):
    """Raise YearLockedError when a status or KPI actual of these items lies in a locked year.

    ``hold`` as for check_kpis_deletable.
    """
    pairs = list(
        YearlyStatus.objects.filter(item__in=items).values_list("item__plan_id", "fiscal_year")
    )
    pairs += KpiActual.objects.filter(kpi__item__in=items).values_list(
        "kpi__item__plan_id", "fiscal_year"
    )
    _refuse_locked_deletion(pairs, "取組", hold)


@transaction.atomic
def delete_items(items, *, user=None, source=AuditEntry.Source.ADMIN):
    """Delete action items with their statuses, KPIs and actuals, each removal recorded.

    Refused (nothing deleted) when any of them lies in a locked year.
    """
    items = list(
        ActionItem.objects.select_for_update(of=("self",))
        .filter(pk__in=[item.pk for item in items])
        .select_related("plan")
    )
    check_items_deletable(items, hold=True)
    editor = _editor(user)
    by_id = {item.pk: item for item in items}
    statuses = list(YearlyStatus.objects.filter(item__in=items).order_by("item_id", "fiscal_year"))
    audits = []
    for status in statuses:
        item = by_id[status.item_id]
        audits.append(
            _deleted_audit(
                "達成状況の削除",
                item=item,
                plan=item.plan,
                fiscal_year=status.fiscal_year,
                object_repr=str(item),
                before=status_snapshot(
                    status.status, status.comment, status.evidence, status.state
                ),
                editor=editor,
                source=source,
            )
        )
    actuals = list(
        KpiActual.objects.filter(kpi__item__in=items)
        .select_related("kpi")
        .order_by("kpi_id", "fiscal_year")
    )
    for actual in actuals:
        actual.kpi.item = by_id[actual.kpi.item_id]
    audits += _actual_audits(actuals, editor, source)
    audits += [
        _deleted_audit(
            "取組の削除",
            item=item,
            plan=item.plan,
            fiscal_year=None,
            object_repr=str(item),
            before={"title": item.title, "plan": item.plan.slug},
            editor=editor,
            source=source,
        )
        for item in items
    ]
    AuditEntry.objects.bulk_create(audits)
    ActionItem.objects.filter(pk__in=list(by_id)).delete()
    return len(items), len(statuses), len(actuals)


def plan_evaluation_counts(plan):
    """(statuses recorded, KPI actuals, locked or published years) of a plan."""
    return (
        YearlyStatus.objects.filter(item__plan=plan).exclude(status="").count(),
        KpiActual.objects.filter(kpi__item__plan=plan).count(),
        EvaluationYear.objects.filter(plan=plan)
        .filter(Q(is_locked=True) | Q(is_published=True))
        .count(),
    )
