"""Reads behind the public pages: which plan and year to show, and the items of an area.

Which years a user may see is decided by actions.permissions.visible_fiscal_years;
the figures come from reports.achievement.compute_achievement. Nothing here
counts statuses or computes a rate.
"""

from dataclasses import dataclass

from django.db.models import BooleanField, Case, F, FilteredRelation, Q, Value, When
from django.utils.translation import gettext as _

from actions.models import ActionItem
from actions.permissions import visible_fiscal_years
from nakai_dx.errors import NotFound
from plans import wareki
from plans.models import Plan
from reports import wording


@dataclass(frozen=True)
class YearOption:
    fiscal_year: int
    is_published: bool
    has_statuses: bool

    @property
    def label(self):
        return wareki.fiscal_year_label(self.fiscal_year)


@dataclass
class Selection:
    """The plan and fiscal year a page shows, and the years the user may choose from."""

    plan: Plan
    years: list  # [YearOption], newest first
    fiscal_year: int | None

    @property
    def year(self):
        return next((y for y in self.years if y.fiscal_year == self.fiscal_year), None)

    @property
    def is_draft(self):
        return self.year is not None and not self.year.is_published

    @property
    def evaluated_years(self):
        """Visible years with statuses, oldest first (for the year-by-year chart)."""
        return sorted(y.fiscal_year for y in self.years if y.has_statuses)


def year_options(plan, user):
    from reports import cache

    evaluated = cache.evaluated_years(plan)
    published = cache.published_years(plan)
    return [
        YearOption(year, is_published, year in evaluated)
        for year, is_published in visible_fiscal_years(plan, user, evaluated, published)
    ]


def parse_year_param(text):
    try:
        return wareki.parse_fiscal_year(text)
    except wareki.WarekiError as exc:
        raise NotFound(
            _("年度「%(year)s」は読み取れません。2025 や R7 のように指定してください。")
            % {"year": text}
        ) from exc


def select_year(plan, user, year_text=None):
    """The requested year if the user may see it (else 404), or the newest visible year with statuses."""
    years = year_options(plan, user)
    if year_text:
        fiscal_year = parse_year_param(year_text)
        if fiscal_year not in {y.fiscal_year for y in years}:
            raise NotFound(
                _("%(plan)sの%(year)sの達成状況は公表されていません。")
                % {"plan": wording.plan_title(plan), "year": wareki.fiscal_year_label(fiscal_year)}
            )
        return Selection(plan, years, fiscal_year)
    newest = next((y.fiscal_year for y in years if y.has_statuses), None)
    return Selection(plan, years, newest)


def get_plan(town, slug):
    """The town's plan of that 計画ID (404 if the town has none)."""
    from reports import cache

    plan = next((plan for plan in cache.plans(town) if plan.slug == slug), None)
    if plan is None:
        raise unknown_plan(slug)
    return plan


def unknown_plan(slug):
    return NotFound(_("計画ID「%(slug)s」の計画は登録されていません。") % {"slug": slug})


def select_dashboard(plans, user, slug=None, year_text=None):
    """The plan and year of the dashboard.

    Without parameters: the newest plan that has a visible evaluated year, with
    that year (plan 1.0 and 令和7年度 with the town's data, since 2.0 has no
    statuses yet); failing that, the newest plan with nothing to show.
    """
    if slug:
        plan = next((p for p in plans if p.slug == slug), None)
        if plan is None:
            raise unknown_plan(slug)
        return select_year(plan, user, year_text)
    if year_text:
        raise NotFound(_("年度を指定するときは計画（plan）も指定してください。"))
    for plan in sorted(plans, key=lambda p: (p.published_on, p.slug), reverse=True):
        selection = select_year(plan, user)
        if selection.fiscal_year is not None:
            return selection
    return Selection(plans[-1], [], None) if plans else None


def area_items(area, fiscal_year):
    """Items listed under an area (first or 再掲), with the year's status and public comment.

    The year's status is one LEFT JOIN on (item, fiscal year), unique, so there
    is no correlated subquery per row and no DISTINCT; the 再掲 listings are an
    ``IN`` on the listing table. A page of them is chosen by ``area_page``
    (reports.tables.AreaItemsData), and only that page is joined.
    """
    return (
        area_listing(area)
        .annotate(
            year_status=FilteredRelation(
                "statuses", condition=Q(statuses__fiscal_year=fiscal_year)
            ),
            status=F("year_status__status"),
            comment=F("year_status__comment"),
        )
        .select_related("primary_area")
        .order_by("sort_key", "code_key")
    )


def area_listing(area):
    """The items listed under an area with their own columns only (no join): to count and page.

    Read through the area's plan, every item comes with it (the item's link needs
    it) without joining the plan to each row.
    """
    return area.plan.items.in_area(area).annotate(
        is_relisted=Case(
            When(primary_area=area, then=Value(False)),
            default=Value(True),
            output_field=BooleanField(),
        )
    )


CODE_ORDER = ("sort_key", "code_key")


def area_page(area, order_by, page):
    """The ids of a page (a slice) of the area's items in the order ``order_by`` (field names).

    In code order, either way, the page lies among the first ``page.stop`` items
    whose main area this is, read in order off the index item_by_area_code, and
    the 再掲 ones: only those are sorted, so the first pages cost the same
    whatever the number of items. Any other order sorts all the area's items.
    """
    if tuple(field.lstrip("-") for field in order_by) != CODE_ORDER:
        return list(area_listing(area).order_by(*order_by).values_list("pk", flat=True)[page])
    first = ActionItem.objects.filter(primary_area=area).order_by(*order_by)[: page.stop]
    relisted = ActionItem.relisted_areas.through.objects.filter(priorityarea=area)
    candidates = [
        ActionItem.objects.filter(pk__in=ids).values_list("pk", *CODE_ORDER).order_by()
        for ids in (first.values("pk"), relisted.values("actionitem_id"))
    ]
    rows = candidates[0].union(candidates[1]).order_by(*order_by)[page]
    return [pk for pk, *_keys in rows]
