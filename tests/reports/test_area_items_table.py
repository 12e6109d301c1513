"""The area page's item table: AreaItemsTable renders its rows itself, as django-tables2 would.

AreaItemsData counts and pages the items without the year's status join, and
screen_rows renders the cells without django-tables2's per-cell dispatch; both
must give exactly what the plain django-tables2 table gives, for every sort
order, page and year, 再掲 and unnamed items included.
"""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django_tables2 import RequestConfig

from actions import services
from actions.models import ActionItem, Status
from plans.versions import data_changed
from reports.achievement import compute_achievement
from reports.queries import area_items, area_listing
from reports.tables import AreaItemsData, AreaItemsTable, with_status_rank
from tests.actions.staff_users import make_user
from tests.reports.helpers import build_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(db):
    plan = build_plan(70)
    admin = make_user("kanri", "admin")
    items = list(ActionItem.objects.filter(plan=plan).order_by("sort_key"))
    ActionItem.objects.filter(pk__in=[item.pk for item in items[:5]]).update(name_published=False)
    data_changed(plan)
    for item in items[5:9]:
        services.record_status(
            item, 2026, status=Status.ACHIEVED, comment="<b>備考</b>", user=admin
        )
    return plan.areas.get(number=2)  # its own items and 再掲 ones from area 1


def _table(rows, query, hide_relisted=False):
    table = AreaItemsTable(rows, caption="取組")
    RequestConfig(RequestFactory().get("/", query), paginate={"per_page": 25}).configure(table)
    if hide_relisted:
        table.columns.hide("is_relisted")
    return table


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"page": "2"},
        {"sort": "-code"},
        {"sort": "title", "page": "2"},
        {"sort": "status"},
        {"sort": "-status", "page": "2"},
        {"sort": "is_relisted"},
        {"sort": "-is_relisted", "page": "2"},
        {"page": "99"},
    ],
)
@pytest.mark.parametrize("fiscal_year", [2025, 2026, None])
def test_the_table_renders_as_django_tables2_renders_it(area, query, fiscal_year):
    request = RequestFactory().get("/", query)
    rows = with_status_rank(area_items(area, fiscal_year))
    for hide in (False, True):
        ours = _table(AreaItemsData(rows, area), query, hide)
        theirs = _table(rows, query, hide)
        html = render_to_string(ours.template_name, {"table": ours, "request": request})
        plain = render_to_string(
            "django_tables2/accessible.html", {"table": theirs, "request": request}
        )
        assert html == plain
        assert html.count("<tr ") == min(25, len(theirs.rows) - 25 * (ours.page.number - 1))


def test_the_table_is_counted_as_the_area_figures_count_its_items(area):
    # The page passes the area's 取組数 from the tallies instead of counting the items again.
    result = next(r for r in compute_achievement(area.plan, 2026).areas if r.area.pk == area.pk)
    assert result.relisted > 0
    assert result.counts.total == area_listing(area).count()
