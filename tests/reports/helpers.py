"""Builders shared by the page tests of reports (not a test module)."""

from actions.models import Status
from tests.factories import make_items, make_plan, make_section, make_year, set_statuses

STATUS_CYCLE = [
    Status.ACHIEVED,
    Status.PARTIALLY_ACHIEVED,
    Status.NOT_ACHIEVED,
    Status.UNDETERMINABLE,
]


def build_plan(item_count, years=(2024, 2025), slug="big-plan"):
    """A plan with two areas, ``item_count`` items spread over them, statuses for each year, all published."""
    plan = make_plan(slug=slug)
    areas = list(plan.areas.all())
    half = item_count // 2
    # Half the items belong to a section, so the by-section table is drawn too.
    first = make_items(plan, areas[0], half, start_number=1, section=make_section())
    second = make_items(plan, areas[1], item_count - half, start_number=half + 1)
    items = first + second
    areas[1].relisted_items.add(*first[:2])
    for year in years:
        for index, status in enumerate(STATUS_CYCLE):
            set_statuses(items[index::4], year, status)
        make_year(plan, year, "published")
    return plan
