"""指標実績: recording (or removing) a KPI's actual for a fiscal year, one or many at a time."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from actions.models import AuditEntry, Kpi, KpiActual
from actions.services import bulk
from actions.services.errors import StaleActualError
from actions.services.rows import (
    CREATED,
    DELETED,
    UNCHANGED,
    UNCHECKED,
    UPDATED,
    Written,
    _attach_items,
    _audit_row,
    _check_entry_open,
    _for_entry,
    _insert_audits,
    _insert_first,
    _record,
    _YearlyRows,
)
from actions.services.status import validate_status


@dataclass(frozen=True)
class ActualEntry:
    """One KPI actual to record; ``value`` None removes it."""

    kpi: Kpi
    fiscal_year: int
    value: object = None
    expected_value: object = UNCHECKED


def _normal_actual_entry(entry):
    if not isinstance(entry, ActualEntry):
        entry = ActualEntry(*entry)
    value = None if entry.value is None else Decimal(entry.value)
    return ActualEntry(entry.kpi, entry.fiscal_year, value, entry.expected_value)


def record_kpi_actuals(
    entries, *, user=None, source=AuditEntry.Source.IMPORT, locked_years=None, recount=True
):
    """Record (or, with value None, remove) many KPI actuals in one transaction.

    The rules of record_kpi_actual for each entry, a Written per entry in
    order (DELETED for a removed actual), nothing written on any refusal, and
    a constant number of queries; an unchanged actual in a locked year is
    UNCHANGED. ``locked_years`` and ``recount`` as for record_statuses.
    """
    return _record(
        ACTUAL_ROWS,
        entries,
        user=user,
        source=source,
        locked_years=locked_years,
        refuse_locked=False,
        recount=recount,
    )


def _write_actuals(entries, editor, source, locked):
    rows = {
        (row.kpi_id, row.fiscal_year): row
        for row in KpiActual.objects.select_for_update(of=("self",))
        .filter(
            kpi_id__in={entry.kpi.pk for entry in entries},
            fiscal_year__in={entry.fiscal_year for entry in entries},
        )
        .order_by("pk")
    }
    now = timezone.now()
    results, creates, updates, deletes, audits = [], [], [], [], []
    for entry in entries:
        kpi, item = entry.kpi, entry.kpi.item
        actual = rows.get((kpi.pk, entry.fiscal_year))
        if entry.expected_value is not UNCHECKED and _as_decimal(entry.expected_value) != (
            actual.value if actual else None
        ):
            raise _for_entry(StaleActualError(kpi, actual), entry)
        if (actual.value if actual else None) == entry.value:
            results.append(Written(entry, actual, UNCHANGED))
            continue
        _check_entry_open(entry, item.plan, locked)
        before = {"value": str(actual.value)} if actual else None
        if entry.value is None:
            deletes.append(actual)
            after, outcome = None, DELETED
        else:
            if actual is None:
                actual = KpiActual(kpi=kpi, fiscal_year=entry.fiscal_year)
                creates.append(actual)
                outcome = CREATED
            else:
                updates.append(actual)
                outcome = UPDATED
            actual.value = entry.value
            actual.updated_by = editor
            actual.updated_at = now  # a bulk write does not apply auto_now
            after = {"value": str(actual.value)}
        audits.append(
            _audit_row(
                editor,
                source,
                "指標実績の記録",
                item,
                entry.fiscal_year,
                f"{item} / {kpi.name}",
                before,
                after,
            )
        )
        results.append(Written(entry, actual, outcome))
    _insert_first(KpiActual, creates)
    bulk.update(KpiActual, updates, ["value", "updated_by", "updated_at"])
    if deletes:
        KpiActual.objects.filter(pk__in=[actual.pk for actual in deletes]).delete()
        for actual in deletes:
            actual.pk = None
    _insert_audits(audits, editor)
    return results


ACTUAL_ROWS = _YearlyRows(
    normalise=_normal_actual_entry,
    attach=lambda entries: _attach_items([entry.kpi for entry in entries]),
    key=lambda entry: (entry.kpi.pk, entry.fiscal_year),
    item=lambda entry: entry.kpi.item,
    # A KPI actual has no status: only the plan period applies.
    validate=lambda entry: validate_status(entry.kpi.item, entry.fiscal_year, "", ""),
    write=_write_actuals,
)


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
    A locked year refuses even a save that changes nothing. The rules and the
    write are record_kpi_actuals' with one entry.
    """
    (result,) = _record(
        ACTUAL_ROWS,
        [ActualEntry(kpi, fiscal_year, value, expected_value)],
        user=user,
        source=source,
        locked_years=locked_years,
        refuse_locked=True,
    )
    if result.outcome == UNCHANGED and result.obj is None:
        return None, False
    return result.obj, result.changed


def _as_decimal(value):
    return None if value is None or value == "" else Decimal(value)
