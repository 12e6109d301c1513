"""達成状況: recording an item's status for a fiscal year, one or many at a time."""

from dataclasses import dataclass, replace
from functools import partial
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import DEFERRED
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
    _check_entry_open,
    _for_entry,
    _insert_audits,
    _insert_first,
    _record,
    _YearlyRows,
)

COMMENT_REQUIRED = {Status.NOT_ACHIEVED, Status.UNDETERMINABLE}
STATUS_FIELDS = ("status", "comment", "evidence")
STATE_FIELDS = ("state", "state_changed_at", "state_changed_by_id")


# Labels by value: a dict lookup per audit row, where get_FOO_display() flattens the choices.
STATUS_LABELS = {"": NOT_EVALUATED_LABEL, **dict(Status.choices)}
STATE_LABELS = dict(EvaluationState.choices)
STATUS_VALUES = frozenset(Status.values)


def status_snapshot(status, comment, evidence, state):
    """A 達成状況 as the history (AuditEntry.before / after) keeps it."""
    return {
        "status": status,
        "status_label": str(STATUS_LABELS.get(status, status)),
        "comment": comment,
        "evidence": evidence,
        "state": state,
        "state_label": str(STATE_LABELS.get(state, state)),
    }


def validate_status(item, fiscal_year, status, comment, *, comment_required=True):
    """The rules of a 達成状況. ``comment_required=False`` is for history brought in by an
    import: past years' sheets often give no reason, and the import warns instead."""
    if status and status not in STATUS_VALUES:
        allowed = "、".join(str(label) for label in Status.labels)
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


class StoredStatus(NamedTuple):
    """A stored 達成状況 as a bulk write reads it back and as an import compares it:
    the columns compared and carried on. Tuples, not model instances (100,000 of
    these would hold hundreds of megabytes), and no dates (converting them is most
    of the read's cost)."""

    id: int
    item_id: int
    fiscal_year: int
    status: str
    comment: str
    evidence: str
    state: str
    version: int

    @property
    def status_label(self):
        return str(STATUS_LABELS.get(self.status, self.status))


def _write_statuses(entries, editor, source, locked):
    rows = {
        (row.item_id, row.fiscal_year): row
        for row in map(
            StoredStatus._make,
            YearlyStatus.objects.select_for_update(of=("self",))
            .filter(
                item_id__in={entry.item.pk for entry in entries},
                fiscal_year__in={entry.fiscal_year for entry in entries},
            )
            .order_by("pk")
            .values_list(*StoredStatus._fields),
        )
    }
    now = timezone.now()
    editor_id = editor.pk if editor is not None else None
    new_status = bulk.maker(YearlyStatus)
    snapshots = {}  # one snapshot (and one JSON text) per distinct value in this write
    results, creates, updates, moves, audits = [], [], [], [], []
    for entry in entries:
        item = entry.item
        current = rows.get((item.pk, entry.fiscal_year))
        version = current.version if current else 0
        if entry.expected_version is not None and int(entry.expected_version) != version:
            raise _for_entry(StaleEditError(_stored_row(current)), entry)
        if current is not None and (current.status, current.comment, current.evidence) == (
            entry.status,
            entry.comment,
            entry.evidence,
        ):
            results.append(Written(entry, partial(_instance, item, current, ()), UNCHANGED))
            continue
        _check_entry_open(entry, item.plan, locked)
        # A saved change (after submission or approval too) is 入力済み again: see workflow.RECORD.
        state = EvaluationState.ENTERED if entry.status else EvaluationState.NOT_ENTERED
        after = (entry.status, entry.comment, entry.evidence, state)
        # A new row starts as 未入力 (the field's default).
        moved = state != (current.state if current else EvaluationState.NOT_ENTERED)
        if current is None:
            row = new_status(
                item_id=item.pk,
                fiscal_year=entry.fiscal_year,
                status=entry.status,
                comment=entry.comment,
                evidence=entry.evidence,
                state=state,
                state_changed_at=now if moved else None,
                state_changed_by_id=editor_id if moved else None,
                updated_by_id=editor_id,
                updated_at=now,  # a bulk write does not apply auto_now
                version=1,
            )
            YearlyStatus.item.field.set_cached_value(row, item)
            creates.append(row)
            before, outcome = None, CREATED
        else:
            written = [entry.status, entry.comment, entry.evidence]
            if moved:
                values = [*written, state, now, editor_id, editor_id, now, version + 1]
                moves.append((values, current.id))
                row = partial(_instance, item, current, MOVED_FIELDS, values)
            else:
                values = [*written, editor_id, now, version + 1]
                updates.append((values, current.id))
                row = partial(_instance, item, current, UPDATE_FIELDS, values)
            before = _snapshot(
                snapshots, (current.status, current.comment, current.evidence, current.state)
            )
            outcome = UPDATED
        audits.append(
            _audit_row(
                editor,
                source,
                "達成状況の記録",
                item,
                entry.fiscal_year,
                str(item),
                before,
                _snapshot(snapshots, after),
            )
        )
        results.append(Written(entry, row, outcome))
    _insert_first(YearlyStatus, creates)
    # The rows are locked (FOR UPDATE above): each row's version + 1 is its stored version + 1.
    # New lists with the pk: the values kept for _instance stay as they are (unprepared).
    for params, fields in ((updates, UPDATE_FIELDS), (moves, MOVED_FIELDS)):
        bulk.update_values(YearlyStatus, fields, [[*values, row_pk] for values, row_pk in params])
    _insert_audits(audits, editor)
    return results


# What an update writes: with a change of state (MOVED) the state's columns too.
UPDATE_FIELDS = (*STATUS_FIELDS, "updated_by_id", "updated_at", "version")
MOVED_FIELDS = (*STATUS_FIELDS, *STATE_FIELDS, "updated_by_id", "updated_at", "version")


def _snapshot(snapshots, values):
    """status_snapshot(*values), one object per distinct value in ``snapshots``: the
    audit rows' JSON is then written once per value (bulk prepares an object once)."""
    try:
        return snapshots[values]
    except KeyError:
        snapshot = snapshots[values] = status_snapshot(*values)
        return snapshot


def _instance(item, stored, fields, written=()):
    """The YearlyStatus of a stored row as this write left it, made when a caller asks
    (Written.obj). Columns neither read nor written load from the database if read."""
    known = dict(zip(StoredStatus._fields, stored, strict=True))
    known.update(zip(fields, written, strict=True))
    values = [known.get(field.attname, DEFERRED) for field in CONCRETE_FIELDS]
    row = YearlyStatus.from_db(router.db_for_write(YearlyStatus), ATTNAMES, values)
    YearlyStatus.item.field.set_cached_value(row, item)
    return row


def _stored_row(stored):
    """The whole stored row, for a stale-edit refusal (None when there is none)."""
    if stored is None:
        return None
    return YearlyStatus.objects.select_related("updated_by").get(pk=stored.id)


CONCRETE_FIELDS = YearlyStatus._meta.concrete_fields
ATTNAMES = [field.attname for field in CONCRETE_FIELDS]


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
