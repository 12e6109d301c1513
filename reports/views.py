"""The public reading side: the dashboard, area and item pages, and open data.

Years are shown as visible_fiscal_years allows (published years for the
public, drafts too for signed-in staff); every figure comes from
compute_achievement.
"""

from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from actions.lineage import item_lineage
from actions.models import ActionItem, KpiActual, YearlyStatus
from actions.permissions import can_view_internal, visible_fiscal_years
from actions.tables import MAX_PER_PAGE
from nakai_dx.errors import NotFound
from plans.models import WellBeingMeasure
from reports import cache, charts, comparison, opendata, wording
from reports.achievement import rule_for
from reports.queries import (
    area_items,
    get_plan,
    parse_year_param,
    select_dashboard,
    select_year,
)
from reports.tables import (
    EXPORT_FORMATS,
    SORTS,
    AreaItemsData,
    AreaItemsTable,
    download,
    table_file,
    with_status_rank,
)

PLAN_AND_YEAR = {"plan": cache.as_given, "year": cache.fiscal_year}


@cache.public_page(query=PLAN_AND_YEAR)
@cache.signed_in_page
def dashboard(request):
    fragment = cache.Fragment("dashboard", request)
    plans = cache.plans(request.town)
    moved = _version_in_force(plans, request.GET.get("plan"), request.GET.get("year"))
    if moved:
        return redirect(moved)
    selection = select_dashboard(
        plans, request.user, request.GET.get("plan"), request.GET.get("year")
    )
    context = {
        "plans": plans,
        "selection": selection,
        "handovers": selection.plan.handovers(plans) if selection else [],
        "fragment": fragment,
    }
    if selection and selection.fiscal_year is None and fragment.html is None:
        context["registered_items"] = selection.plan.items.count()
    if selection and selection.fiscal_year is not None and fragment.html is not None:
        context["achievement"] = True  # the content is cached: only the scripts block asks
    elif selection and selection.fiscal_year is not None:
        by_year = cache.achievements(
            selection.plan, [selection.fiscal_year, *selection.evaluated_years]
        )
        achievement = by_year[selection.fiscal_year]
        trend = [by_year[year] for year in selection.evaluated_years]
        draft_years = {y.fiscal_year for y in selection.years if not y.is_published}
        sections = cache.by_section(selection.plan, selection.fiscal_year)
        notes = cache.publication_notes(selection.plan) if achievement.is_provisional else {}
        context.update(
            publication_note=notes.get(selection.fiscal_year, ""),
            section_results=sections if any(r.section for r in sections) else [],
            achievement=achievement,
            registered_items=achievement.registered_items,
            area_rows=_area_rows(achievement),
            trend=[(a, a.fiscal_year in draft_years) for a in trend] if len(trend) > 1 else [],
            trend_has_drafts=len(trend) > 1 and any(a.fiscal_year in draft_years for a in trend),
            trend_incomplete=any(year.overall.not_evaluated for year in trend),
            area_rates_chart=charts.area_rates(achievement),
            status_chart=charts.status_counts(achievement),
            trend_chart=charts.year_trend(trend, draft_years) if len(trend) > 1 else None,
            data_query="?"
            + urlencode({"plan": selection.plan.slug, "year": selection.fiscal_year}),
            # Staff see an explicit flag where the plan's printed figure differs from the
            # recomputed one; the public reads the neutral explanation only.
            flag_differences=can_view_internal(request.user),
        )
    return render(request, "reports/dashboard.html", context)


def _version_in_force(plans, slug, year_text):
    """?plan=nakai-dx-2.0&year=2025 asks for a year plan 1.0 holds: that version's address."""
    plan = next((p for p in plans if p.slug == slug), None)
    if plan is None or not year_text:
        return None
    fiscal_year = parse_year_param(year_text)
    other = plan.version_in_force(fiscal_year, plans)
    if other is None or other == plan:
        return None
    query = urlencode({"plan": other.slug, "year": fiscal_year})
    return f"{reverse('reports:dashboard')}?{query}"


def _area_rows(achievement):
    """Each area's result with the figure the plan printed for it, if any."""
    printed = {}
    if achievement.published:
        printed = {result.area.pk: figure for result, figure in achievement.published.areas}
    return [
        {
            "result": result,
            "published": printed.get(result.area.pk),
            "matches": result.area.pk in printed
            and result.rate_percent == printed[result.area.pk].rate,
        }
        for result in achievement.areas
    ]


@cache.public_page(
    query={
        "year": cache.fiscal_year,
        "sort": cache.one_of(*SORTS),
        "page": cache.number(1, 10_000),
        "per_page": cache.number(1, MAX_PER_PAGE),
        "_export": cache.one_of(*EXPORT_FORMATS),
    }
)
@cache.signed_in_page
def area_detail(request, slug, number):
    fragment = cache.Fragment("area", request)
    plan = get_plan(request.town, slug)
    area = cache.area(plan, number)
    if area is None:
        raise NotFound(
            _("%(plan)sに区分番号 %(number)s の重点施策区分はありません。")
            % {"plan": wording.plan_title(plan), "number": number}
        )
    selection = select_year(plan, request.user, request.GET.get("year"))
    fiscal_year = selection.fiscal_year
    export_format = request.GET.get("_export")
    if export_format in EXPORT_FORMATS:
        return _area_export(request, plan, area, fiscal_year, export_format)
    if fragment.html is not None:
        # The content is cached: the title and the scripts block need only these.
        context = {"area": area, "selection": selection, "fragment": fragment}
        return render(request, "reports/area_detail.html", {**context, "chart": fiscal_year})
    result, rule = None, rule_for(request.town)
    registered_items = None
    if fiscal_year is not None:
        achievement = cache.achievement(plan, fiscal_year)
        result = next(r for r in achievement.areas if r.area.pk == area.pk)
        rule = achievement.rule
        registered_items = achievement.registered_items
    if selection.year:
        caption = _("%(area)sの取組と%(year)sの達成状況") % {
            "area": wording.area_name(area),
            "year": selection.year.label,
        }
    else:
        caption = _("%(area)sの取組") % {"area": wording.area_name(area)}
    rows = AreaItemsData(
        with_status_rank(area_items(area, fiscal_year)),
        area,
        count=result.counts.total if result else None,
        fiscal_year=fiscal_year,
    )
    table = AreaItemsTable(rows, caption=caption)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    # On screen, the 再掲 column only where the area lists items whose main area is another.
    has_relisted = bool(result.relisted) if result else area.relisted_items.exists()
    if not has_relisted:
        table.columns.hide("is_relisted")
    return render(
        request,
        "reports/area_detail.html",
        {
            "plan": plan,
            "area": area,
            "registered_items": (
                plan.items.count() if registered_items is None else registered_items
            ),
            "wellbeing_measures": area.wellbeing_measures.select_related("direction"),
            "selection": selection,
            "result": result,
            "rule": rule,
            "table": table,
            "has_relisted": has_relisted,
            "chart": charts.area_status_counts(result) if result else None,
            "export_query": "?" + (f"year={fiscal_year}&" if fiscal_year else "") + "_export=",
            "fragment": fragment,
        },
    )


def _area_export(request, plan, area, fiscal_year, export_format):
    """The area's table as a file, built once per version of the data (reports.cache.export).

    The file is the town's data in Japanese, the same from a page in any language.
    """
    with translation.override("ja"):
        return _area_file(request, plan, area, fiscal_year, export_format)


def _area_file(request, plan, area, fiscal_year, export_format):
    table = AreaItemsTable(AreaItemsData(with_status_rank(area_items(area, fiscal_year)), area))
    RequestConfig(request, paginate=False).configure(table)
    key = (
        "area",
        area.pk,
        fiscal_year,
        cache.request_versions().of(plan, fiscal_year),
        ",".join(table.order_by or ()),
        export_format,
    )
    content = cache.export(key, lambda: table_file(table, export_format, title=area.name[:31]))
    filename = f"{plan.slug}_区分{area.number}_{area.name}_{fiscal_year or '未評価'}"
    return download(content, export_format, filename)


@cache.public_page
def item_detail(request, slug, code):
    plan = get_plan(request.town, slug)
    item = (
        ActionItem.objects.with_code(plan, code)
        .select_related("primary_area", "section", "working_group")
        .prefetch_related(
            "relisted_areas",
            "wellbeing_directions",
            "national_items",
            Prefetch("timeline_events", to_attr="events"),
        )
        .first()
    )
    if item is None:
        raise NotFound(
            _("%(plan)sに取組番号「%(code)s」の取組はありません。")
            % {"plan": wording.plan_title(plan), "code": code}
        )
    years = visible_fiscal_years(plan, request.user)
    visible = [year for year, _ in years]
    statuses = {
        status.fiscal_year: status
        for status in YearlyStatus.objects.filter(item=item, fiscal_year__in=visible)
    }
    status_rows = [
        {"fiscal_year": year, "is_published": published, "status": statuses.get(year)}
        for year, published in years
    ]
    kpis = list(
        item.kpis.prefetch_related(
            Prefetch(
                "actuals",
                queryset=KpiActual.objects.filter(fiscal_year__in=visible).order_by("fiscal_year"),
                to_attr="visible_actuals",
            )
        )
    )
    kpi_rows = [
        {
            "kpi": kpi,
            "chart": charts.kpi_chart(kpi, kpi.visible_actuals),
            "chart_id": f"chart-kpi-{kpi.pk}",
        }
        for kpi in kpis
    ]
    return render(
        request,
        "reports/item_detail.html",
        {
            "plan": plan,
            "item": item,
            "wellbeing_links": _wellbeing_links(item),
            "status_rows": status_rows,
            "kpi_rows": kpi_rows,
            "show_internal": can_view_internal(request.user),
            "lineage": item_lineage(item),
        },
    )


def _wellbeing_links(item):
    """An item's Well-Being directions, each with what it rests on.

    The review's table names some items themselves, and some areas; any other link
    is the town's assignment.
    """
    areas = [item.primary_area, *item.relisted_areas.all()]
    measures = (
        WellBeingMeasure.objects.filter(plan=item.plan_id)
        .filter(Q(name=item.title) | Q(area__in=areas))
        .select_related("direction", "area")
        .order_by("direction__number", "number")
    )
    links = [
        {"direction": measure.direction, "measure": measure, "by_town": False}
        for measure in measures
    ]
    for direction in item.wellbeing_directions.all():
        links.append({"direction": direction, "measure": None, "by_town": True})
    return links


@cache.public_page
def opendata_index(request):
    return render(request, "reports/opendata.html", opendata.index_context(request.town))


@cache.public_page(query=PLAN_AND_YEAR)
def opendata_json(request):
    return opendata.achievement_json(request)


@cache.public_page(query={**PLAN_AND_YEAR, "encoding": cache.as_given})
def opendata_csv(request):
    return opendata.achievement_csv(request)


TOWNS_QUERY = {"prefecture": cache.as_given}


@cache.public_page(
    query={"sort": cache.as_given, "page": cache.number(1, 10_000), **TOWNS_QUERY},
    every_town=True,
)
def towns_compared(request):
    """The deployment's towns side by side (or one prefecture's): each one's latest published
    year, sortable, a page of towns at a time."""
    try:
        found = comparison.comparison(
            request.GET.get("sort"), request.GET.get("prefecture"), request.GET.get("page") or 1
        )
    except (comparison.UnknownSort, comparison.UnknownPrefecture) as refused:
        return render(request, "400.html", {"message": str(refused)}, status=400)
    return render(
        request, "reports/towns.html", {"comparison": found, "columns": comparison.COLUMNS}
    )


def _towns_data(respond):
    """A download of every town's figures (of ``?prefecture=`` where given)."""

    @cache.public_page(query=TOWNS_QUERY, every_town=True)
    def view(request):
        try:
            return respond(request, request.GET.get("prefecture"))
        except comparison.UnknownPrefecture as refused:
            return render(request, "400.html", {"message": str(refused)}, status=400)

    return view


towns_csv = _towns_data(lambda request, prefecture: comparison.csv_response(prefecture))
towns_json = _towns_data(comparison.json_response)


def accessibility_policy(request):
    """ウェブアクセシビリティ方針: the target, scope and the results make a11y-report measured."""
    from reports import accessibility

    results = accessibility.load_results()
    return render(
        request,
        "reports/accessibility.html",
        {
            "target": accessibility.TARGET,
            "policy_date": accessibility.POLICY_DATE,
            "results": results,
            "measured_on": accessibility.measured_on(results),
            "rows": accessibility.page_rows(results),
            "languages": accessibility.results_by_language(results),
            "html_checker_reason": accessibility.html_checker_reason(
                (results or {}).get("html_checker", {})
            ),
            "problems": accessibility.problems(results),
            "manual_checks": accessibility.MANUAL_CHECKS,
            "known_exceptions": accessibility.KNOWN_EXCEPTIONS,
        },
    )
