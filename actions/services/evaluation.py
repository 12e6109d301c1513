"""One item's evaluation for a year as the status form saves it: status and KPI actuals."""

from django.db import IntegrityError, transaction

from actions import workflow
from actions.models import AuditEntry, KpiActual, YearlyStatus
from actions.services.errors import StaleActualError
from actions.services.kpi import record_kpi_actual
from actions.services.round import MoveEntry, move_items
from actions.services.rows import UNCHECKED, check_year_open, is_year_locked
from actions.services.status import record_status


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
    locked = is_year_locked(item.plan, fiscal_year, for_update=True)
    locked_years = {fiscal_year} if locked else set()
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


@transaction.atomic
def record_and_submit_evaluation(
    item, fiscal_year, *, user, source=AuditEntry.Source.WEB, **fields
):
    """「保存して提出」: save what the form holds, then submit it to the 課長, both or neither.

    ``fields`` are record_evaluation's. A refused submission (nothing recorded
    yet, no right to submit) rolls the save back too, so the form comes back
    with the typed input and the reason. Returns whether the save changed anything.
    """
    changed = record_evaluation(item, fiscal_year, user=user, source=source, **fields)
    row = YearlyStatus.objects.filter(item=item, fiscal_year=fiscal_year).first()
    move_items(
        workflow.SUBMIT,
        [MoveEntry(item, fiscal_year, row.version if row else 0)],
        user=user,
        source=source,
    )
    return changed
