"""Data versions: the one place a write says that cached figures and pages are out of date.

Every cached figure and page is keyed by the versions of the data it shows
(plans.models.DataVersion); a write changes them in its own transaction, so
a reader sees the new data and the new version together and a cached value
is never served after the data under it changed.

    data_changed(plan, [2025])   # statuses, KPI actuals, lock or publication of a year
    data_changed(plan)           # the plan itself, its areas, items or KPIs
    data_changed(town=town)      # what every plan of a town shows (its sections, its name …)
    data_changed()               # what every town shows (the national plan, towns and hosts)

Every row carries its town (``town_id``): a town's pages read only their own
town's rows, in one query on the town key (``current(town)``), whatever the
number of towns, so a row-sharded PostgreSQL (Citus, distributed by town) sends
it to one shard. What every town shows has no row of its own: a change to it
changes each town's own row (plan 0, year 0) instead.

Models saved or deleted one by one (forms, the admin, loaddata) call it through
signals (``watch``). Bulk writes send no signal: QuerySet.update, bulk_create and
bulk_update callers call data_changed themselves (actions.services for statuses
and KPI actuals, the workbook import for master rows).
"""

import contextvars
import random
from contextlib import contextmanager
from functools import reduce
from operator import xor

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save

EVERYTHING = 0  # plan_id of a town's row for what every plan of the town shows
PLAN_DATA = 0  # fiscal_year of a plan's own data
TOWN_ROW = (EVERYTHING, PLAN_DATA)


def data_changed(plan=None, fiscal_years=None, *, town=None, recount=True):
    """Mark a plan's years (or the whole plan, a whole town, or every town) as changed.

    ``plan`` is a Plan or its key (a key costs one query for its town). One
    UPDATE (and an INSERT the first time), in the caller's transaction: a
    rolled-back write rolls its new version back with it. The summaries kept
    from the data (``on_change``: actions.tallies) are counted again in the
    same transaction, unless ``recount`` is False (loaddata counts once at its end).
    """
    plan_id = getattr(plan, "pk", plan) or EVERYTHING
    if plan_id == EVERYTHING:
        town_id = getattr(town, "pk", town)
        _bump_town(town_id)
        plan_ids, years = (None if town_id is None else _plan_ids(town_id)), None
    else:
        years = None if fiscal_years is None else sorted({int(year) for year in fiscal_years})
        _bump_plan(plan, plan_id, [PLAN_DATA] if years is None else years)
        plan_ids = [plan_id]
    _forget_request_versions()
    if recount:
        for listener in _listeners:
            if plan_ids is None:
                listener(None, None)
            for pk in plan_ids or ():
                listener(pk, years)


_listeners = []


def on_change(listener):
    """Have data_changed call ``listener(plan_id, fiscal_years)`` (None: all) in the writer's transaction."""
    if listener not in _listeners:
        _listeners.append(listener)


def _new_version():
    # A random value, not +1: a database restored from a backup never reuses a
    # version that named other data in a shared cache (Redis).
    return random.randrange(1, 2**40)


def _plan_ids(town_id):
    from plans.models import Plan

    return list(Plan.objects.filter(town_id=town_id).values_list("pk", flat=True))


def _bump_plan(plan, plan_id, years):
    from plans.models import DataVersion, Plan

    town_id = getattr(plan, "town_id", None)
    if town_id is None:
        town_id = Plan.objects.filter(pk=plan_id).values_list("town_id", flat=True).first()
    version = _new_version()
    rows = DataVersion.objects.filter(plan_id=plan_id, fiscal_year__in=years)
    if town_id is None:  # a deleted plan: its rows are found by the plan alone
        rows.update(version=version)
        return
    if rows.filter(town_id=town_id).update(version=version) < len(years):
        DataVersion.objects.bulk_create(
            [
                DataVersion(town_id=town_id, plan_id=plan_id, fiscal_year=y, version=version)
                for y in years
            ],
            ignore_conflicts=True,
        )


def _bump_town(town_id):
    """A town's own row (plan 0, year 0); without a town, every town's."""
    from plans.models import DataVersion, Town

    version = _new_version()
    rows = DataVersion.objects.filter(plan_id=EVERYTHING, fiscal_year=PLAN_DATA)
    if town_id is not None:
        if not rows.filter(town_id=town_id).update(version=version):
            DataVersion.objects.bulk_create(
                [DataVersion(town_id=town_id, version=version)], ignore_conflicts=True
            )
        return
    # Every town's row, those of towns since deleted too (a host that named one must
    # be looked up again: reports.freshness), and a row for each town that has none.
    rows.update(version=version)
    missing = Town.objects.exclude(pk__in=rows.values("town_id")).values_list("pk", flat=True)
    DataVersion.objects.bulk_create(
        [DataVersion(town_id=pk, version=version) for pk in missing], ignore_conflicts=True
    )


def current(town=None):
    """{(plan_id, fiscal_year): version} of a town's rows, in one query on the town key.

    ``town`` is a Town or its key. Without one, every town's rows (the towns
    compared, and commands), each town's own row folded into one TOWN_ROW.
    Read it before the data it keys: a write that commits in between then
    leaves the new data under the old version, never the old data under the new.
    """
    if town is None:
        return _fold(read_every_town())
    from plans.models import DataVersion

    # Plain SQL: this runs on every cached page, where the ORM's query building shows.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT plan_id, fiscal_year, version FROM {DataVersion._meta.db_table} "
            "WHERE town_id = %s",
            [getattr(town, "pk", town)],
        )
        return {(plan_id, year): version for plan_id, year, version in cursor.fetchall()}


def read_every_town():
    """{town_id: {(plan_id, fiscal_year): version}} of every town, in one query."""
    from plans.models import DataVersion

    by_town = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT town_id, plan_id, fiscal_year, version FROM {DataVersion._meta.db_table}"
        )
        for town_id, plan_id, year, version in cursor.fetchall():
            by_town.setdefault(town_id, {})[(plan_id, year)] = version
    return by_town


def _fold(by_town):
    rows = {}
    for town_rows in by_town.values():
        rows.update(town_rows)
    rows[TOWN_ROW] = reduce(xor, (r.get(TOWN_ROW, 0) for r in by_town.values()), 0)
    return rows


class Versions:
    """The versions read for a request, and the cache keys made from them.

    ``Versions.of_town(town)`` reads one town's rows (a town's pages, one query
    on the town key); ``Versions.every_town()`` reads every town's (the towns
    compared). A plan of a town not read has its town's rows read when first
    asked for (one query): a plan given by its key is taken to be of the town
    read, or, with none, looked up.
    """

    def __init__(self, by_town=None, town_id=None, *, complete=False):
        self.by_town = {} if by_town is None else by_town  # {town_id: rows, as current(town)}
        self.town_id = town_id  # the request's town; None: no one town
        self.complete = complete  # every town's rows are in by_town

    @classmethod
    def of_town(cls, town, rows=None):
        town_id = getattr(town, "pk", town)
        return cls({town_id: current(town_id) if rows is None else rows}, town_id)

    @classmethod
    def every_town(cls, by_town=None):
        return cls(read_every_town() if by_town is None else by_town, complete=True)

    def _read_every_town(self):
        if not self.complete:
            self.by_town, self.complete = read_every_town(), True

    @property
    def rows(self):
        """{(plan_id, fiscal_year): version} of the request's town (of every town: ``current()``)."""
        if self.town_id is not None:
            return self.by_town[self.town_id]
        self._read_every_town()
        return _fold(self.by_town)

    @property
    def everything(self):
        """One value that changes whenever any version read does (for whole pages)."""
        if self.town_id is not None:
            state = frozenset(self.rows.items())
        else:
            self._read_every_town()
            state = frozenset(
                (town, frozenset(rows.items())) for town, rows in self.by_town.items()
            )
        return hash(state) & 0xFFFFFFFFFFFF

    def _rows_of(self, plan):
        plan_id = getattr(plan, "pk", plan)
        town_id = getattr(plan, "town_id", None)
        if town_id is None:
            town_id = self.town_id if self.town_id is not None else self._town_of(plan_id)
        if town_id not in self.by_town:
            # A town without rows has nothing to read when every town was read.
            self.by_town[town_id] = {} if self.complete or town_id is None else current(town_id)
        return self.by_town[town_id]

    def _town_of(self, plan_id):
        for town_id, rows in self.by_town.items():
            if any(key[0] == plan_id for key in rows):
                return town_id
        from plans.models import Plan

        return Plan.objects.filter(pk=plan_id).values_list("town_id", flat=True).first()

    def of(self, plan, fiscal_year=None):
        """The versions a plan's figures for a year depend on, as a key fragment."""
        plan_id = getattr(plan, "pk", plan)
        rows = self._rows_of(plan)
        parts = [rows.get(TOWN_ROW, 0), rows.get((plan_id, PLAN_DATA), 0)]
        if fiscal_year is not None:
            parts.append(rows.get((plan_id, fiscal_year), 0))
        return "-".join(str(part) for part in parts)

    def of_all(self, plan):
        """The versions of everything a plan shows, every year included, as a key fragment."""
        plan_id = getattr(plan, "pk", plan)
        mine = frozenset(
            item for item in self._rows_of(plan).items() if item[0][0] in (plan_id, EVERYTHING)
        )
        return str(hash(mine) & 0xFFFFFFFFFFFF)


# --- the versions of the request in progress -------------------------------------------

_request_state = contextvars.ContextVar("data_versions", default=None)
_UNKNOWN = object()


class _RequestState:
    versions = None
    town = _UNKNOWN  # the request's town, once plans.towns.TownMiddleware found it
    every_town = False  # the page shows every town (the towns compared)


@contextmanager
def request_scope():
    """Read the versions at most once while a request is handled (see for_request)."""
    token = _request_state.set(_RequestState())
    try:
        yield
    finally:
        _request_state.reset(token)


def serve_town(town):
    """The request's town (TownMiddleware): the versions read are its own."""
    state = _request_state.get()
    if state is None:
        return
    state.town = town
    versions = state.versions
    if (
        versions is not None
        and not state.every_town
        and versions.town_id != getattr(town, "pk", None)
    ):
        state.versions = None  # read for another town (a host's town changed): read again


def serve_every_town():
    """The page shows every town's figures: its versions are every town's (one query)."""
    state = _request_state.get()
    if state is None:
        return
    state.every_town = True
    if state.versions is not None and not state.versions.complete:
        state.versions = None


def use(versions):
    """The versions the request's cached pages and figures are keyed by (read by the page cache)."""
    _request_state.get().versions = versions


def for_request():
    """The Versions read once for the request in progress; fresh ones outside a request.

    A town's request reads its town's rows; a page of every town (serve_every_town)
    every town's; outside a request, each plan's town's rows as a key asks for them.
    """
    state = _request_state.get()
    if state is None:
        return Versions()
    if state.versions is None:
        if state.every_town:
            state.versions = Versions.every_town()
        elif state.town is not _UNKNOWN and state.town is not None:
            state.versions = Versions.of_town(state.town)
        else:
            state.versions = Versions()
    return state.versions


def _forget_request_versions():
    # A write inside the request: the next cached read must see its new versions.
    state = _request_state.get()
    if state is not None:
        state.versions = None


# --- signals: models saved one by one -------------------------------------------------


def scope(obj):
    """What a saved or deleted object belongs to, as data_changed's arguments.

    A plan's row: its plan (the Plan when it is at hand, else its key) and year;
    a town's own row (sections, working groups …): its town; towns and their
    host names: every town (which town a host serves may have changed).
    """
    plan = _plan_of(obj)
    if plan is not None:
        year = getattr(obj, "fiscal_year", None)
        return {"plan": plan, "fiscal_years": None if year is None else [year]}
    town_id = getattr(obj, "town_id", None)
    if town_id is not None and not _is_town_or_host(obj):
        return {"town": town_id}
    return {}


def _is_town_or_host(obj):
    from plans.models import Town, TownHost

    return isinstance(obj, Town | TownHost)


def _plan_of(obj):
    from plans.models import Plan

    if isinstance(obj, Plan):
        return obj
    try:
        for path in (("plan",), ("item", "plan"), ("kpi", "item", "plan")):
            if hasattr(obj, f"{path[0]}_id"):
                return _follow(obj, path)
    except ObjectDoesNotExist:  # deleted with its parent: its town is not known here
        return None
    return None


def _follow(obj, path):
    """The Plan at the end of ``path`` if the relations are loaded, else the plan's key."""
    for name in path[:-1]:
        obj = getattr(obj, name)
    last = obj._meta.get_field(path[-1])
    return getattr(obj, path[-1]) if last.is_cached(obj) else getattr(obj, last.attname)


def _saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: related rows may not be there yet; it counts once at its end
        data_changed(recount=False)
        return
    data_changed(**scope(instance))


def _m2m_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        data_changed(**scope(instance))


def watch(app_config, exclude=()):
    """Call data_changed for every save and delete of an app's models (but ``exclude``)."""
    for model in app_config.get_models():
        if model.__name__ in exclude:
            continue
        uid = f"data-version-{model._meta.label}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_saved, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _m2m_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}"
            )
