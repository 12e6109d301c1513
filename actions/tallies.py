"""The status tallies (StatusTally): counted again by every write, read by the figures.

plans.versions.data_changed(plan, years) is called in the same transaction by
every write of items and statuses (services, imports, the admin, signals); it
calls ``refresh`` here, which counts the plan-years again from the rows. The
figures (reports.achievement) then read a few rows per area and 担当課, whatever
the number of items and status rows. Counting again costs the writer in
proportion to the plan-year's rows; a read never does.
"""

from django.apps import apps as installed_apps
from django.db import connections, router
from django.db.models import Count, Sum

from actions.models import StatusTally

ITEMS = StatusTally.ITEMS


def refresh(plan_id=None, fiscal_years=None, apps=installed_apps):
    """Count a plan's years again: all its years and its items when ``fiscal_years`` is None.

    Without a plan, every plan of every town at once, in the same few queries
    (data_changed() without a plan or town: what every town shows changed; a
    town's own change counts its plans one by one).
    ``apps`` is a migration's historical models (the migration that fills the tallies).
    """
    Tally = apps.get_model("actions", "StatusTally")
    rows = Tally.objects.all()
    if plan_id is not None:
        rows = rows.filter(plan_id=plan_id)
        if fiscal_years is not None:
            fiscal_years = sorted({int(year) for year in fiscal_years} - {ITEMS})
            rows = rows.filter(fiscal_year__in=fiscal_years)
    else:
        fiscal_years = None
    rows.delete()
    tallies = [] if fiscal_years is not None else _item_tallies(plan_id, apps)
    tallies += _status_tallies(plan_id, fiscal_years, apps)
    _insert(Tally, tallies)


def _insert(Tally, tallies):
    """The rows in one statement run for each (executemany, pipelined on PostgreSQL).

    Counting every plan again writes a hundred rows per plan: through bulk_create,
    making a model and preparing each value cost more than the counting itself.
    """
    if not tallies:
        return
    connection = connections[router.db_for_write(Tally)]
    quote = connection.ops.quote_name
    names = [f.attname for f in Tally._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(quote(Tally._meta.get_field(name).column) for name in names)
    placeholders = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(Tally._meta.db_table)} ({columns}) VALUES ({placeholders})",
            [tuple(row[name] for name in names) for row in tallies],
        )


def _of_plan(queryset, path, plan_id):
    return queryset if plan_id is None else queryset.filter(**{path: plan_id})


def _item_tallies(plan_id, apps):
    ActionItem = apps.get_model("actions", "ActionItem")
    Listing = ActionItem.relisted_areas.through
    first = (
        _of_plan(ActionItem.objects.all(), "plan_id", plan_id)
        .values_list("plan_id", "primary_area_id", "section_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    again = (
        _of_plan(Listing.objects.all(), "actionitem__plan_id", plan_id)
        .values_list("actionitem__plan_id", "priorityarea_id", "actionitem__section_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {
            "plan_id": plan,
            "fiscal_year": ITEMS,
            "area_id": area_id,
            "section_id": section_id,
            "relisted": relisted,
            "status": "",
            "state": "",
            "count": n,
        }
        for relisted, rows in ((False, first), (True, again))
        for plan, area_id, section_id, n in rows
    ]


def _status_tallies(plan_id, fiscal_years, apps):
    ActionItem = apps.get_model("actions", "ActionItem")
    Listing = ActionItem.relisted_areas.through
    first = _of_plan(
        apps.get_model("actions", "YearlyStatus").objects.all(), "item__plan_id", plan_id
    )
    again = _of_plan(Listing.objects.all(), "actionitem__plan_id", plan_id)
    if fiscal_years is None:
        again = again.filter(actionitem__statuses__fiscal_year__gt=ITEMS)
    else:
        first = first.filter(fiscal_year__in=fiscal_years)
        again = again.filter(actionitem__statuses__fiscal_year__in=fiscal_years)
    first = (
        first.values_list(
            "item__plan_id",
            "fiscal_year",
            "item__primary_area_id",
            "item__section_id",
            "status",
            "state",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    again = (
        again.values_list(
            "actionitem__plan_id",
            "actionitem__statuses__fiscal_year",
            "priorityarea_id",
            "actionitem__section_id",
            "actionitem__statuses__status",
            "actionitem__statuses__state",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {
            "plan_id": plan,
            "fiscal_year": year,
            "area_id": area_id,
            "section_id": section_id,
            "relisted": relisted,
            "status": status,
            "state": state,
            "count": n,
        }
        for relisted, rows in ((False, first), (True, again))
        for plan, year, area_id, section_id, status, state, n in rows
    ]


# --- reads -----------------------------------------------------------------------------


def by_area(plan, fiscal_years):
    """({area_id: items}, {area_id: 再掲 items}, {(year, area_id, status): n}, the same for 再掲).

    Rated statuses only (status not blank), as reports.achievement counts them.
    """
    return by_area_of_plans([plan.pk], fiscal_years).get(plan.pk) or ({}, {}, {}, {})


def by_area_of_plans(plan_ids, fiscal_years):
    """{plan_id: by_area(plan, fiscal_years)} of many plans, in one query.

    Each plan's years among ``fiscal_years`` are read (a plan not evaluated in a
    year simply has no rows for it); the caller keeps the (plan, year) pairs it asked for.
    """
    rows = (
        StatusTally.objects.filter(plan_id__in=plan_ids, fiscal_year__in=[ITEMS, *fiscal_years])
        .values_list("plan_id", "fiscal_year", "area_id", "relisted", "status")
        .annotate(n=Sum("count"))
        .order_by()
    )
    found = {}
    for plan_id, year, area_id, relisted, status, n in rows:
        totals, statuses = found.setdefault(plan_id, (({}, {}), ({}, {})))
        if year == ITEMS:
            totals[relisted][area_id] = n
        elif status:
            statuses[relisted][(year, area_id, status)] = n
    return {
        plan_id: (totals[False], totals[True], statuses[False], statuses[True])
        for plan_id, (totals, statuses) in found.items()
    }


def by_section(plan, fiscal_year):
    """({section_id: items}, {(year, section_id, status): n}): each item once, under its 担当課."""
    rows = (
        StatusTally.objects.filter(plan=plan, fiscal_year__in=[ITEMS, fiscal_year], relisted=False)
        .values_list("fiscal_year", "section_id", "status")
        .annotate(n=Sum("count"))
        .order_by()
    )
    totals, statuses = {}, {}
    for year, section_id, status, n in rows:
        if year == ITEMS:
            totals[section_id] = n
        elif status:
            statuses[(year, section_id, status)] = n
    return totals, statuses


def evaluated_years(plan):
    """The fiscal years in which at least one of the plan's items has a status."""
    return set(
        StatusTally.objects.filter(plan=plan, fiscal_year__gt=ITEMS, status__gt="")
        .values_list("fiscal_year", flat=True)
        .distinct()
        .order_by()
    )
