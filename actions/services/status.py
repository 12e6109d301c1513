"""達成状況: recording an item's status for a fiscal year, one or many at a time."""

from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.utils import timezone

from actions.models import (
    NOT_EVALUATED_LABEL,
    ActionItem,
    AuditEntry,
    EvaluationState,
    Status,
    YearlyStatus,
)
from actions.services import bulk
from actions.services.errors import StaleEditError, out_of_period_message
from actions.services.rows import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Written,
    _attach_plans,
    _audit_row,
    _bulk_update,
    _check_entry_open,
    _for_entry,
    _insert_audits,
    _insert_first,
    _record,
    _YearlyRows,
)

COMMENT_REQUIRED = {Status.NOT_ACHIEVED, Status.UNDETERMINABLE}
STATUS_FIELDS = ("status", "comment", "evidence")
STATE_FIELDS = ("state", "state_changed_at", "state_changed_by")
WRITE_FIELDS = ("updated_by", "updated_at", "version")


# Labels by value: a dict lookup per audit row, where get_FOO_display() flattens the choices.
STATUS_LABELS = {"": NOT_EVALUATED_LABEL, **dict(Status.choices)}
STATE_LABELS = dict(EvaluationState.choices)
STATUS_VALUES = frozenset(Status.values)


def _status_snapshot(status):
    return {
        "status": status.status,
        "status_label": STATUS_LABELS.get(status.status, status.status),
        "comment": status.comment,
        "evidence": status.evidence,
        "state": status.state,
        "state_label": STATE_LABELS.get(status.state, status.state),
    }


def validate_status(item, fiscal_year, status, comment, *, comment_required=True):
    """The rules of a 達成状況. ``comment_required=False`` is for history brought in by an
    import: past years' sheets often give no reason, and the import warns instead."""
    if status and status not in STATUS_VALUES:
        allowed = "、".join(Status.labels)
        raise ValidationError(
            f"達成状況は {allowed} のいずれか（空欄は未評価）です。", code="invalid_status"
        )
    if not item.plan.covers_fiscal_year(fiscal_year):
        raise ValidationError(out_of_period_message(item.plan, fiscal_year), code="out_of_period")
    if comment_required and status in COMMENT_REQUIRED and not comment.strip():
        raise ValidationError(
            f"達成状況が「{Status(status).label}」のときは備考（理由）を入力してください。",
            code="comment_required",
        )


# --- entries, results and the shared write core ------------------------------------


@dataclass(frozen=True)
class StatusEntry:
    """One 達成状況 to record: ``expected_version`` as in record_status (None: unchecked)."""

    item: ActionItem
    fiscal_year: int
    status: str = ""
    comment: str = ""
    evidence: str = ""
    expected_version: int | None = None


def _normal_status_entry(entry):
    if not isinstance(entry, StatusEntry):
        entry = StatusEntry(*entry)
    return StatusEntry(
        entry.item,
        entry.fiscal_year,
        entry.status or "",
        (entry.comment or "").strip(),
        (entry.evidence or "").strip(),
        entry.expected_version,
    )


def record_statuses(
    entries,
    *,
    user=None,
    source=AuditEntry.Source.IMPORT,
    locked_years=None,
    comment_required=True,
    recount=True,
):
    """Record many 達成状況 in one transaction; return a Written per entry, in order.

    Every entry is checked with the rules of record_status (validate_status,
    check_year_open, ``expected_version``); any refusal raises and writes
    nothing, the error carrying ``.entry``. An entry equal to the stored row is
    UNCHANGED, even in a locked year. A constant number of queries whatever the
    number of entries: one for the locked years (unless ``locked_years`` is
    given: {plan pk: years}), one to lock the existing rows, then one insert
    (and one to read the new rows' pks), one update and one audit insert, each
    a single statement the driver runs per row (actions.services.bulk), and one
    for the sections' names. ``comment_required=False`` lets 未達成・判定不可 without
    a 備考 through (the workbook import of past years, which warns about them).
    ``recount=False``: the caller calls plans.versions.data_changed for the
    written plan-years itself before its transaction ends (an import, once).
    """
    return _record(
        STATUS_ROWS if comment_required else HISTORY_STATUS_ROWS,
        entries,
        user=user,
        source=source,
        locked_years=locked_years,
        refuse_locked=False,
        recount=recount,
    )


def _write_statuses(entries, editor, source, locked):
    rows = {
        (row.item_id, row.fiscal_year): row
        for row in YearlyStatus.objects.select_for_update(of=("self",))
        .filter(
            item_id__in={entry.item.pk for entry in entries},
            fiscal_year__in={entry.fiscal_year for entry in entries},
        )
        .order_by("pk")
    }
    now = timezone.now()
    new_status = bulk.maker(YearlyStatus)
    results, creates, updates, audits = [], [], [], []
    for entry in entries:
        item = entry.item
        current = rows.get((item.pk, entry.fiscal_year))
        version = current.version if current else 0
        if entry.expected_version is not None and int(entry.expected_version) != version:
            raise _for_entry(StaleEditError(current), entry)
        new_values = (entry.status, entry.comment, entry.evidence)
        if (
            current is not None
            and (current.status, current.comment, current.evidence) == new_values
        ):
            results.append(Written(entry, current, UNCHANGED))
            continue
        _check_entry_open(entry, item.plan, locked)
        before = _status_snapshot(current) if current else None
        if current is None:
            current = new_status(item_id=item.pk, fiscal_year=entry.fiscal_year)
            YearlyStatus.item.field.set_cached_value(current, item)
            creates.append(current)
        else:
            updates.append(current)
        current.status, current.comment, current.evidence = new_values
        # A saved change (after submission or approval too) is 入力済み again: see workflow.RECORD.
        state = EvaluationState.ENTERED if entry.status else EvaluationState.NOT_ENTERED
        if current.state != state:
            current.state = state
            current.state_changed_at = now
            _set_user(current, "state_changed_by", editor)
        _set_user(current, "updated_by", editor)
        current.version = version + 1
        current.updated_at = now  # a bulk write does not apply auto_now
        audits.append(
            _audit_row(
                editor,
                source,
                "達成状況の記録",
                item,
                entry.fiscal_year,
                str(item),
                before,
                _status_snapshot(current),
            )
        )
        results.append(Written(entry, current, UPDATED if before else CREATED))
    _insert_first(YearlyStatus, creates)
    # The rows are locked (FOR UPDATE above): each row's version + 1 is its stored version + 1.
    _bulk_update(YearlyStatus, updates, [*STATUS_FIELDS, *STATE_FIELDS, *WRITE_FIELDS])
    _insert_audits(audits, editor)
    return results


def _set_user(row, name, user):
    """``row.<name> = user`` without the descriptor's per-assignment router check
    (the same user on every row of a bulk write, thousands of times)."""
    field = USER_FIELDS[name]
    row.__dict__[field.attname] = user.pk if user is not None else None
    field.set_cached_value(row, user)


USER_FIELDS = {
    name: YearlyStatus._meta.get_field(name) for name in ("updated_by", "state_changed_by")
}


STATUS_ROWS = _YearlyRows(
    normalise=_normal_status_entry,
    attach=lambda entries: _attach_plans([entry.item for entry in entries]),
    key=lambda entry: (entry.item.pk, entry.fiscal_year),
    item=lambda entry: entry.item,
    validate=lambda entry: validate_status(
        entry.item, entry.fiscal_year, entry.status, entry.comment
    ),
    write=_write_statuses,
)
HISTORY_STATUS_ROWS = replace(
    STATUS_ROWS,
    validate=lambda entry: validate_status(
        entry.item, entry.fiscal_year, entry.status, entry.comment, comment_required=False
    ),
)


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
    somebody else saved in between, and the save is refused. A locked year
    refuses even a save that changes nothing. The rules and the write are
    record_statuses' with one entry.
    """
    (result,) = _record(
        STATUS_ROWS,
        [StatusEntry(item, fiscal_year, status, comment, evidence, expected_version)],
        user=user,
        source=source,
        locked_years=locked_years,
        refuse_locked=True,
    )
    return result.obj, result.changed
