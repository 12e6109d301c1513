"""Small builders for test data; the town's real data comes from the fixture."""

import datetime
import itertools

from actions.models import ActionItem, EvaluationState, EvaluationYear, YearlyStatus
from plans.models import Plan, PriorityArea, Section
from plans.versions import data_changed

_sequence = itertools.count(1)


def make_plan(
    slug=None,
    areas=("区分A", "区分B"),
    start=datetime.date(2023, 8, 1),
    end=datetime.date(2029, 3, 31),
    **fields,
):
    n = next(_sequence)
    plan = Plan.objects.create(
        slug=slug or f"test-plan-{n}",
        name=fields.pop("name", f"テスト計画{n}"),
        version=fields.pop("version", "1.0"),
        published_on=fields.pop("published_on", start),
        period_start=start,
        period_end=end,
        **fields,
    )
    for number, name in enumerate(areas, start=1):
        PriorityArea.objects.create(plan=plan, number=number, name=name)
    return plan


def make_section(name=None):
    return Section.objects.create(name=name or f"テスト課{next(_sequence)}")


def make_items(plan, area, count, start_number=None, **fields):
    """``count`` items numbered on from the plan's last (codes 「1」「2」…) under ``area``."""
    first = start_number or (ActionItem.objects.filter(plan=plan).count() + 1)
    items = [
        ActionItem(
            plan=plan, code=str(first + i), title=f"取組{first + i}", primary_area=area, **fields
        )
        for i in range(count)
    ]
    for item in items:
        item.fill_code_keys()
    items = ActionItem.objects.bulk_create(items)
    data_changed(plan)  # a bulk write sends no signal
    return items


def set_statuses(items, fiscal_year, status):
    """A status for each of ``items`` (new rows), as a bulk write that says what it changed."""
    items = list(items)
    YearlyStatus.objects.bulk_create(
        [
            YearlyStatus(
                item=item,
                fiscal_year=fiscal_year,
                status=status,
                state=EvaluationState.ENTERED if status else EvaluationState.NOT_ENTERED,
            )
            for item in items
        ]
    )
    for plan_id in {item.plan_id for item in items}:
        data_changed(plan_id, [fiscal_year])  # a bulk write sends no signal


YEAR_STATES = {
    "open": {"is_locked": False, "is_published": False},
    "locked": {"is_locked": True, "is_published": False},
    "published": {"is_locked": True, "is_published": True},
}


def make_year(plan, fiscal_year, state):
    """An EvaluationYear in one of the states the workflow can reach: open, locked, published.

    A year is published only after it is locked (actions.services), so there is no way
    to ask for a published year that is not locked.
    """
    # A write may have made the year's row already (services.rows.hold_years): set its state.
    evaluation, _ = EvaluationYear.objects.update_or_create(
        plan=plan, fiscal_year=fiscal_year, defaults=YEAR_STATES[state]
    )
    return evaluation
