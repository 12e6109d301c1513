"""Every write to the yearly evaluation goes through these functions.

Each one checks the rules (locked years, required comments, stale edits),
writes inside one transaction, and records its own ``AuditEntry``. Views, the
admin, imports and commands all call them. record_statuses and
record_kpi_actuals write many rows in a constant number of queries;
record_status and record_kpi_actual are the same code with one entry.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from actions.models import (
    ActionItem,
    AuditEntry,
    EvaluationState,
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
STATUS_FIELDS = ("status", "comment", "evidence")
STATE_FIELDS = ("state", "state_changed_at", "state_changed_by")
BULK_BATCH = 1000  # rows per UPDATE statement (SQLite also splits at its 999-variable limit)
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


def is_year_locked(plan, fiscal_year, for_update=False):
    """Whether the year's evaluation is locked (確定).

    ``for_update`` (inside a transaction that saves) holds the year's row, so a
    lock cannot slip in while the save runs.
    """
    years = EvaluationYear.objects.filter(plan=plan, fiscal_year=fiscal_year)
    if for_update:  # lock the row whatever its state, then read the state
        return bool(years.select_for_update().values_list("is_locked", flat=True).first())
    return years.filter(is_locked=True).exists()


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
        "state": status.state,
        "state_label": status.get_state_display(),
    }


def out_of_period_message(plan, fiscal_year):
    from plans.wareki import fiscal_year_label

    return (
        f"{fiscal_year_label(fiscal_year)}は{plan}の評価の対象年度"
        f"（{plan.fiscal_years_label}）ではありません。"
    )


def validate_status(item, fiscal_year, status, comment):
    if status and status not in Status.values:
        allowed = "、".join(Status.labels)
        raise ValidationError(
            f"達成状況は {allowed} のいずれか（空欄は未評価）です。", code="invalid_status"
        )
    if not item.plan.covers_fiscal_year(fiscal_year):
        raise ValidationError(out_of_period_message(item.plan, fiscal_year), code="out_of_period")
    if status in COMMENT_REQUIRED and not comment.strip():
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


@dataclass(frozen=True)
class ActualEntry:
    """One KPI actual to record; ``value`` None removes it."""

    kpi: Kpi
    fiscal_year: int
    value: object = None
    expected_value: object = UNCHECKED


@dataclass(frozen=True)
class Written:
    """What became of one entry: ``outcome`` is CREATED, UPDATED, UNCHANGED or DELETED."""

    entry: object
    obj: object  # the YearlyStatus / KpiActual row (None for an absent, unchanged actual)
    outcome: str

    @property
    def changed(self):
        return self.outcome != UNCHANGED


def _editor(user):
    return user if user and user.is_authenticated else None


def _attach_plans(items):
    """Give every item its plan object, loading the missing ones in one query."""
    missing = {item.plan_id for item in items if not ActionItem.plan.is_cached(item)}
    if missing:
        plans = Plan.objects.in_bulk(missing)
        for item in items:
            if not ActionItem.plan.is_cached(item):
                item.plan = plans[item.plan_id]


def _attach_items(kpis):
    missing = {kpi.item_id for kpi in kpis if not Kpi.item.is_cached(kpi)}
    if missing:
        items = ActionItem.objects.select_related("plan").in_bulk(missing)
        for kpi in kpis:
            if not Kpi.item.is_cached(kpi):
                kpi.item = items[kpi.item_id]
    _attach_plans([kpi.item for kpi in kpis])


def _locked_years_by_plan(plans, years, locked_years):
    """{plan pk: set of locked years}; read in one query when ``locked_years`` is None.

    ``locked_years`` may be a mapping {plan pk: years} or, for entries of one
    plan, the set of that plan's locked years.
    """
    locked = defaultdict(set)
    if locked_years is None:
        # FOR UPDATE: a manager's lock_year() waits until this save has committed,
        # so no write lands in a year that was locked while it was being saved.
        for plan_id, year, is_locked in (
            EvaluationYear.objects.select_for_update()
            .filter(plan__in=plans, fiscal_year__in=years)
            .values_list("plan_id", "fiscal_year", "is_locked")
        ):
            if is_locked:
                locked[plan_id].add(year)
    elif isinstance(locked_years, Mapping):
        for plan_id, plan_years in locked_years.items():
            locked[getattr(plan_id, "pk", plan_id)].update(plan_years)
    else:
        if len(plans) > 1:
            raise ValueError(
                "locked_years as a set needs entries of one plan; pass {plan pk: years}"
            )
        for plan in plans:
            locked[plan.pk].update(locked_years)
    return locked


def _refuse_duplicates(entries, key):
    seen = set()
    for entry in entries:
        if key(entry) in seen:
            raise _for_entry(
                ValidationError(
                    "同じ取組・年度が2回指定されています。1回にしてください。", code="duplicate"
                ),
                entry,
            )
        seen.add(key(entry))


def _for_entry(error, entry):
    """Tag a refusal with the entry it is about, so a bulk caller can name the row."""
    error.entry = entry
    return error


def _retag(error, normal, given):
    """Point ``error.entry`` at the caller's own entry object and ``error.index`` at its place."""
    entry = getattr(error, "entry", None)
    if entry is not None:
        error.index = next(i for i, e in enumerate(normal) if e is entry)
        error.entry = given[error.index]


def _with_race_retry(write):
    """Run ``write()``; a unique-constraint race on a first-time insert re-plans it.

    ``write`` inserts its new rows first, inside a savepoint, before any other
    write. When another transaction inserted one of them meanwhile, the
    savepoint is rolled back and ``write`` runs again: it now locks the
    winner's row, so an edit that expected no row gets a stale-edit error and
    an unchecked one updates the winner. Never an IntegrityError (a 500).
    """
    for attempt in range(RACE_ATTEMPTS):
        try:
            return write()
        except IntegrityError:
            if attempt == RACE_ATTEMPTS - 1:
                raise ValidationError(
                    "ほかの保存と同時になったため保存できませんでした。もう一度保存してください。",
                    code="stale",
                ) from None
    raise AssertionError("unreachable")


def _bulk_update(model, rows, fields, **common):
    """Write ``fields`` of ``rows`` (and ``common``, the values all rows get) in few UPDATEs.

    Only a field whose new value differs from row to row goes through
    bulk_update's CASE WHEN expressions (costly to build in Python, and
    quadratic in the batch on PostgreSQL); the values every row shares (the
    editor, the time, version + 1, or one status for all) are set by one plain
    UPDATE per BULK_BATCH rows. A single row is one UPDATE. bulk_update does
    not apply auto_now: ``common`` carries updated_at.
    """
    if not rows:
        return
    common = dict(common)
    varying = []
    for name in fields:
        values = {getattr(row, name) for row in rows}
        if len(values) == 1:
            common[name] = values.pop()
        else:
            varying.append(name)
    if varying:
        model.objects.bulk_update(rows, varying, batch_size=BULK_BATCH)
    for start in range(0, len(rows), BULK_BATCH):
        model.objects.filter(pk__in=[row.pk for row in rows[start : start + BULK_BATCH]]).update(
            **common
        )


def _insert_first(model, objs):
    if objs:
        with transaction.atomic():
            model.objects.bulk_create(objs)


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


def record_statuses(entries, *, user=None, source=AuditEntry.Source.IMPORT, locked_years=None):
    """Record many 達成状況 in one transaction; return a Written per entry, in order.

    Every entry is checked with the rules of record_status (validate_status,
    check_year_open, ``expected_version``); any refusal raises and writes
    nothing, the error carrying ``.entry``. An entry equal to the stored row is
    UNCHANGED, even in a locked year. A constant number of queries whatever the
    number of entries: one for the locked years (unless ``locked_years`` is
    given: {plan pk: years}), one to lock the existing rows, then one bulk
    insert, update and audit insert each (SQLite splits long statements at
    its 999-variable limit).
    """
    return _record(
        STATUS_ROWS,
        entries,
        user=user,
        source=source,
        locked_years=locked_years,
        refuse_locked=False,
    )


@dataclass(frozen=True)
class _YearlyRows:
    """How one kind of yearly row (a status, a KPI actual) is checked and written."""

    normalise: object  # the caller's entry -> the kind's entry dataclass
    attach: object  # loads, in one query, what each entry's plan is reached through
    key: object  # an entry's row identity (object, fiscal year)
    item: object  # the action item an entry belongs to
    validate: object  # the rules for one entry; raises ValidationError
    write: object  # (entries, editor, source, locked) -> [Written]


@transaction.atomic
def _record(kind, entries, *, user, source, locked_years, refuse_locked):
    given = list(entries)
    normal = [kind.normalise(entry) for entry in given]
    try:
        return _checked(kind, normal, user, source, locked_years, refuse_locked)
    except ValidationError as error:
        _retag(error, normal, given)
        raise


def _checked(kind, entries, user, source, locked_years, refuse_locked):
    if not entries:
        return []
    kind.attach(entries)
    _refuse_duplicates(entries, kind.key)
    for entry in entries:
        try:
            kind.validate(entry)
        except ValidationError as error:
            raise _for_entry(error, entry) from None
    plans = {kind.item(entry).plan for entry in entries}
    locked = _locked_years_by_plan(plans, {e.fiscal_year for e in entries}, locked_years)
    if refuse_locked:  # a single save: a locked year refuses even an unchanged one
        for entry in entries:
            _check_entry_open(entry, kind.item(entry).plan, locked)
    return _with_race_retry(lambda: kind.write(entries, _editor(user), source, locked))


def _check_entry_open(entry, plan, locked):
    try:
        check_year_open(plan, entry.fiscal_year, locked[plan.pk])
    except ValidationError as error:
        raise _for_entry(error, entry) from None


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
    results, creates, updates, audits, varying = [], [], [], [], set()
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
            current = YearlyStatus(item=item, fiscal_year=entry.fiscal_year)
            creates.append(current)
        else:
            updates.append(current)
            varying.update(
                name
                for name, value in zip(STATUS_FIELDS, new_values, strict=True)
                if getattr(current, name) != value
            )
        current.status, current.comment, current.evidence = new_values
        # A saved change (after submission or approval too) is 入力済み again: see workflow.RECORD.
        state = EvaluationState.ENTERED if entry.status else EvaluationState.NOT_ENTERED
        if current.state != state:
            current.state = state
            current.state_changed_at, current.state_changed_by = now, editor
            varying.update({"state", "state_changed_at", "state_changed_by"})
        current.updated_by = editor
        current.version = version + 1
        current.updated_at = now  # bulk_update does not apply auto_now
        audits.append(
            AuditEntry(
                user=editor,
                action="達成状況の記録",
                source=source,
                plan=item.plan,
                item=item,
                section_id=item.section_id,
                fiscal_year=entry.fiscal_year,
                object_repr=str(item)[:300],
                before=before,
                after=_status_snapshot(current),
            )
        )
        results.append(Written(entry, current, UPDATED if before else CREATED))
    _insert_first(YearlyStatus, creates)
    _bulk_update(
        YearlyStatus,
        updates,
        [name for name in (*STATUS_FIELDS, *STATE_FIELDS) if name in varying],
        updated_by=editor,
        updated_at=now,
        version=F("version") + 1,  # the rows are locked: the same as each row's version + 1
    )
    AuditEntry.objects.bulk_create(audits)
    return results


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


def _normal_actual_entry(entry):
    if not isinstance(entry, ActualEntry):
        entry = ActualEntry(*entry)
    value = None if entry.value is None else Decimal(entry.value)
    return ActualEntry(entry.kpi, entry.fiscal_year, value, entry.expected_value)


def record_kpi_actuals(entries, *, user=None, source=AuditEntry.Source.IMPORT, locked_years=None):
    """Record (or, with value None, remove) many KPI actuals in one transaction.

    The rules of record_kpi_actual for each entry, a Written per entry in
    order (DELETED for a removed actual), nothing written on any refusal, and
    a constant number of queries; an unchanged actual in a locked year is
    UNCHANGED. ``locked_years`` as for record_statuses.
    """
    return _record(
        ACTUAL_ROWS,
        entries,
        user=user,
        source=source,
        locked_years=locked_years,
        refuse_locked=False,
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
            actual.updated_at = now  # bulk_update does not apply auto_now
            after = {"value": str(actual.value)}
        audits.append(
            AuditEntry(
                user=editor,
                action="指標実績の記録",
                source=source,
                plan=item.plan,
                item=item,
                section_id=item.section_id,
                fiscal_year=entry.fiscal_year,
                object_repr=f"{item} / {kpi.name}"[:300],
                before=before,
                after=after,
            )
        )
        results.append(Written(entry, actual, outcome))
    _insert_first(KpiActual, creates)
    _bulk_update(KpiActual, updates, ["value"], updated_by=editor, updated_at=now)
    if deletes:
        KpiActual.objects.filter(pk__in=[actual.pk for actual in deletes]).delete()
        for actual in deletes:
            actual.pk = None
    AuditEntry.objects.bulk_create(audits)
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


def _as_decimal(value):
    return None if value is None or value == "" else Decimal(value)


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
def publish_year(plan, fiscal_year, *, user=None, publish=True, source=None):
    """公表 (or withdraw with ``publish=False``) a fiscal year's figures."""
    evaluation = _evaluation_year(plan, fiscal_year, create=publish)
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
