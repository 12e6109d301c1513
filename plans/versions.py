"""Data versions: the one place a write says that cached figures and pages are out of date.

Every cached figure and page is keyed by the versions of the data it shows
(plans.models.DataVersion); a write changes them in its own transaction, so
a reader sees the new data and the new version together and a cached value
is never served after the data under it changed.

    data_changed(plan, [2025])   # statuses, KPI actuals, lock or publication of a year
    data_changed(plan)           # the plan itself, its areas, items or KPIs
    data_changed()               # what every plan shows (sections, the national plan …)

Models saved or deleted one by one (forms, the admin, loaddata) call it through
signals (``watch``). Bulk writes send no signal: QuerySet.update, bulk_create and
bulk_update callers call data_changed themselves (actions.services for statuses
and KPI actuals, the workbook import for master rows).
"""

import contextvars
import random
from contextlib import contextmanager

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save

EVERYTHING = 0  # plan_id of the data every plan shows
PLAN_DATA = 0  # fiscal_year of a plan's own data


def data_changed(plan=None, fiscal_years=None, *, recount=True):
    """Mark a plan's years (or the whole plan, or everything) as changed.

    One UPDATE (and an INSERT the first time), in the caller's transaction: a
    rolled-back write rolls its new version back with it. The summaries kept
    from the data (``on_change``: actions.tallies) are counted again in the
    same transaction, unless ``recount`` is False (loaddata counts once at its end).
    """
    plan_id = getattr(plan, "pk", plan) or EVERYTHING
    if plan_id == EVERYTHING or fiscal_years is None:
        keys = {(plan_id, PLAN_DATA)}
        years = None
    else:
        years = sorted({int(year) for year in fiscal_years})
        keys = {(plan_id, year) for year in years}
    _bump(keys)
    _forget_request_versions()
    if recount:
        for listener in _listeners:
            listener(None if plan_id == EVERYTHING else plan_id, years)


_listeners = []


def on_change(listener):
    """Have data_changed call ``listener(plan_id, fiscal_years)`` (None: all) in the writer's transaction."""
    if listener not in _listeners:
        _listeners.append(listener)


def _bump(keys):
    from plans.models import DataVersion

    # A random value, not +1: a database restored from a backup never reuses a
    # version that named other data in a shared cache (Redis).
    version = random.randrange(1, 2**40)
    match = Q()
    for plan_id, year in keys:
        match |= Q(plan_id=plan_id, fiscal_year=year)
    if DataVersion.objects.filter(match).update(version=version) < len(keys):
        DataVersion.objects.bulk_create(
            [DataVersion(plan_id=p, fiscal_year=y, version=version) for p, y in keys],
            ignore_conflicts=True,
        )


def current():
    """{(plan_id, fiscal_year): version} of every row, in one query.

    Read it before the data it keys: a write that commits in between then
    leaves the new data under the old version, never the old data under the new.
    """
    from plans.models import DataVersion

    # Plain SQL: this runs on every cached page, where the ORM's query building shows.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT plan_id, fiscal_year, version FROM {DataVersion._meta.db_table}")
        return {(plan_id, year): version for plan_id, year, version in cursor.fetchall()}


class Versions:
    """The versions read at the start of a request, and the cache keys made from them."""

    def __init__(self, rows=None):
        self.rows = current() if rows is None else rows

    @property
    def everything(self):
        """One value that changes whenever any version does (for whole pages)."""
        return hash(frozenset(self.rows.items())) & 0xFFFFFFFFFFFF

    def of(self, plan, fiscal_year=None):
        """The versions a plan's figures for a year depend on, as a key fragment."""
        plan_id = getattr(plan, "pk", plan)
        parts = [
            self.rows.get((EVERYTHING, PLAN_DATA), 0),
            self.rows.get((plan_id, PLAN_DATA), 0),
        ]
        if fiscal_year is not None:
            parts.append(self.rows.get((plan_id, fiscal_year), 0))
        return "-".join(str(part) for part in parts)

    def of_all(self, plan):
        """The versions of everything a plan shows, every year included, as a key fragment."""
        plan_id = getattr(plan, "pk", plan)
        mine = frozenset(item for item in self.rows.items() if item[0][0] in (plan_id, EVERYTHING))
        return str(hash(mine) & 0xFFFFFFFFFFFF)


# --- the versions of the request in progress -------------------------------------------

_request_state = contextvars.ContextVar("data_versions", default=None)


class _RequestState:
    versions = None


@contextmanager
def request_scope():
    """Read the versions at most once while a request is handled (see for_request)."""
    token = _request_state.set(_RequestState())
    try:
        yield
    finally:
        _request_state.reset(token)


def for_request():
    """The Versions read once for the request in progress; fresh ones outside a request."""
    state = _request_state.get()
    if state is None:
        return Versions()
    if state.versions is None:
        state.versions = Versions()
    return state.versions


def _forget_request_versions():
    # A write inside the request: the next cached read must see its new versions.
    state = _request_state.get()
    if state is not None:
        state.versions = None


# --- signals: models saved one by one -------------------------------------------------


def scope(obj):
    """(plan, fiscal years) that a saved or deleted object belongs to, as data_changed takes."""
    plan_id = _plan_id(obj)
    if plan_id is None:
        return None, None
    year = getattr(obj, "fiscal_year", None)
    return plan_id, None if year is None else [year]


def _plan_id(obj):
    from plans.models import Plan

    if isinstance(obj, Plan):
        return obj.pk
    try:
        if hasattr(obj, "plan_id"):
            return obj.plan_id
        if hasattr(obj, "item_id"):
            return obj.item.plan_id
        if hasattr(obj, "kpi_id"):
            return obj.kpi.item.plan_id
    except ObjectDoesNotExist:  # deleted with its parent: count it as everything
        return None
    return None


def _saved(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: related rows may not be there yet; it counts once at its end
        data_changed(recount=False)
        return
    data_changed(*scope(instance))


def _m2m_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        data_changed(*scope(instance))


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
