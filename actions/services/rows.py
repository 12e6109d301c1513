"""The shared core of the yearly writes (statuses, KPI actuals).

A kind of yearly row (_YearlyRows) says how its entries are normalised,
checked and written; ``record_rows`` runs any kind the same way: normalise,
check every entry, read the locked years once, then write in bulk, retrying
a lost first-insert race, and tells plans.versions (``data_changed``) which
plan-years changed so that cached figures and pages are never served stale.
Whatever the number of entries, the number of queries is constant.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, router, transaction
from django.db.models import UniqueConstraint

from actions.models import ActionItem, AuditEntry, EvaluationYear, Kpi
from actions.services import bulk
from actions.services.errors import YearLockedError
from plans.models import Plan, Section
from plans.versions import data_changed
from plans.wareki import fiscal_year_label

UNCHECKED = object()  # no expected value given: the write is not checked for staleness
CREATED, UPDATED, UNCHANGED, DELETED = "created", "updated", "unchanged", "deleted"
BULK_BATCH = 1000  # rows per UPDATE … WHERE pk IN (…) statement (round moves)
RACE_ATTEMPTS = 3  # a lost first-time insert race is re-planned against the winner's row


def hold_years(plans, years):
    """Lock FOR UPDATE the EvaluationYear rows of ``plans`` × ``years``, creating missing ones.

    Every write and 確定 serialise on these rows. A row that does not exist yet
    (no round opened, never locked) cannot be locked, and lock_year() creates
    it: so the rows of the years a plan covers are created here first (an
    empty row is an open, unpublished year, as no row is), and a save and a
    lock always wait for each other. Returns {(plan pk, year): is_locked}.
    """
    plans, years = sorted(plans, key=lambda plan: plan.pk), set(years)
    if not plans or not years:
        return {}
    held = _select_years_for_update(plans, years)
    missing = [
        EvaluationYear(plan_id=plan.pk, fiscal_year=year)
        for plan in plans
        for year in sorted(years)
        if plan.covers_fiscal_year(year) and (plan.pk, year) not in held
    ]
    if missing:
        # Another transaction's new row is waited for, then kept (no error).
        EvaluationYear.objects.bulk_create(missing, ignore_conflicts=True)
        held = _select_years_for_update(plans, years)
    return held


def _select_years_for_update(plans, years):
    return {
        (plan_id, year): is_locked
        for plan_id, year, is_locked in EvaluationYear.objects.select_for_update()
        .filter(plan__in=plans, fiscal_year__in=years)
        .order_by("plan_id", "fiscal_year")  # one order for every writer: no deadlock
        .values_list("plan_id", "fiscal_year", "is_locked")
    }


def is_year_locked(plan, fiscal_year, for_update=False):
    """Whether the year's evaluation is locked (確定).

    ``for_update`` (inside a transaction that saves) holds the year's row,
    created if need be (hold_years), so a lock cannot slip in while the save runs.
    """
    if for_update:
        return hold_years([plan], [fiscal_year]).get((plan.pk, fiscal_year), False)
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
        raise YearLockedError(
            f"{fiscal_year_label(fiscal_year)}の評価は確定済みのため変更できません。"
            "変更が必要な場合は管理者に確定の解除を依頼してください。",
            code="locked",
        )


class Written:
    """What became of one entry: ``outcome`` is CREATED, UPDATED, UNCHANGED or DELETED.

    ``obj`` is the YearlyStatus / KpiActual row (None for an absent, unchanged
    actual). A bulk write may give, instead of the row, a function that makes
    it: it is called when ``obj`` is first read, so an import of 100,000 rows,
    which reads none, makes no model instances for them.
    """

    __slots__ = ("entry", "outcome", "_obj")

    def __init__(self, entry, obj, outcome):
        self.entry, self._obj, self.outcome = entry, obj, outcome

    @property
    def obj(self):
        if callable(self._obj):
            self._obj = self._obj()
        return self._obj

    @property
    def changed(self):
        return self.outcome != UNCHANGED

    def __repr__(self):
        return f"Written({self.entry!r}, {self.outcome})"


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
        for (plan_id, year), is_locked in hold_years(plans, years).items():
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


def _insert_first(model, objs):
    """Insert the new rows in a savepoint (a lost race rolls back to it), then read their pks.

    The pks are read back by the model's unique key (item or KPI, fiscal year)
    in one query: the rows are this transaction's own.
    """
    if not objs:
        return
    with transaction.atomic():
        bulk.insert(model, objs)
    (constraint,) = [c for c in model._meta.constraints if isinstance(c, UniqueConstraint)]
    owner, year = (model._meta.get_field(name).attname for name in constraint.fields)
    pks = {
        (owner_id, fiscal_year): pk
        for owner_id, fiscal_year, pk in model.objects.filter(
            **{f"{owner}__in": {getattr(obj, owner) for obj in objs}},
            **{f"{year}__in": {getattr(obj, year) for obj in objs}},
        ).values_list(owner, year, "pk")
    }
    db = router.db_for_write(model)
    for obj in objs:
        obj.pk = pks[(getattr(obj, owner), getattr(obj, year))]
        obj._state.adding, obj._state.db = False, db


def _audit_row(editor, source, action, item, fiscal_year, object_repr, before, after):
    """One AuditEntry of a yearly write, as a row for _insert_audits (no instance made)."""
    return {
        "user_id": editor.pk if editor else None,
        "action": action,
        "source": source,
        "town_id": item.plan.town_id,
        "plan_id": item.plan_id,
        "item_id": item.pk,
        "section_id": item.section_id,
        "fiscal_year": fiscal_year,
        "object_repr": object_repr[:300],
        "before": before,
        "after": after,
    }


def _insert_audits(rows, editor):
    """Insert _audit_rows in one statement, each with the editor's and its section's names
    as they are now, as AuditEntry.copy_names writes them for AuditEntry.objects.bulk_create."""
    if not rows:
        return
    username = editor.get_username() if editor else ""
    sections = Section.objects.in_bulk({row["section_id"] for row in rows} - {None})
    for row in rows:
        section = sections.get(row["section_id"])
        row["username"] = username
        row["section_name"] = str(section)[:200] if section else ""
    bulk.insert_values(AuditEntry, rows)


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
def _record(kind, entries, *, user, source, locked_years, refuse_locked, recount=True):
    given = list(entries)
    normal = [kind.normalise(entry) for entry in given]
    try:
        return _checked(kind, normal, user, source, locked_years, refuse_locked, recount)
    except ValidationError as error:
        _retag(error, normal, given)
        raise


def _checked(kind, entries, user, source, locked_years, refuse_locked, recount=True):
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
    results = _with_race_retry(lambda: kind.write(entries, _editor(user), source, locked))
    _changed_years(kind, results, recount)
    return results


def _changed_years(kind, results, recount=True):
    """Tell plans.versions which plan-years this write changed (cached figures, pages).

    ``recount=False`` leaves counting the summaries again (data_changed's
    listeners) to the caller, which must call data_changed for these plan-years
    itself before its transaction ends: an import writing in chunks counts once.
    """
    years, plans = defaultdict(set), {}
    for result in results:
        if result.changed:
            plan = kind.item(result.entry).plan  # read by _checked: its town is at hand
            plans[plan.pk] = plan
            years[plan.pk].add(result.entry.fiscal_year)
    for plan_id, plan_years in years.items():
        data_changed(plans[plan_id], plan_years, recount=recount)


def _check_entry_open(entry, plan, locked):
    try:
        check_year_open(plan, entry.fiscal_year, locked[plan.pk])
    except ValidationError as error:
        raise _for_entry(error, entry) from None
