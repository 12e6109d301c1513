"""The published data the API reads: every query of the API starts here.

Plans, their areas, items, KPIs and the timeline are the plan's own published
text (the public pages show them to everyone). A status, a KPI actual or a
figure belongs to a fiscal year and is served only when that plan's year is
published; any other year is 404, whatever the query.
"""

from django.db.models import F, FilteredRelation, Prefetch, Q
from django.http import Http404

from actions.models import ActionItem, EvaluationYear, Kpi, KpiActual, YearlyStatus
from plans import wareki
from plans.models import Plan, PriorityArea, TimelineEvent
from reports.queries import get_plan, parse_year_param


def plans(town):
    return Plan.objects.for_town(town).select_related("revises").order_by("published_on", "slug")


def published_years(plan=None, town=None):
    """The published years of a plan, or of every plan of a town."""
    years = EvaluationYear.objects.published().select_related("plan")
    if plan is None:
        years = years.filter(plan__town=town)
    else:
        years = years.filter(plan=plan)
    return years.order_by("plan__published_on", "plan__slug", "fiscal_year")


def published_year_numbers(plan):
    return sorted(published_years(plan).values_list("fiscal_year", flat=True))


def plan(town, slug):
    return get_plan(town, slug)


def published_year(plan, year_text):
    """The fiscal year a path names, if the plan has published it; else 404."""
    fiscal_year = parse_year_param(year_text)
    if not published_years(plan).filter(fiscal_year=fiscal_year).exists():
        raise Http404(
            f"{plan}の{wareki.fiscal_year_label(fiscal_year)}の達成状況は公表されていません。"
        )
    return fiscal_year


def areas(plan):
    return PriorityArea.objects.filter(plan=plan).order_by("number")


def items(plan, area_number=None):
    found = (
        ActionItem.objects.filter(plan=plan)
        .select_related("primary_area", "section")
        .prefetch_related(
            Prefetch("relisted_areas", queryset=PriorityArea.objects.order_by("number"))
        )
        .order_by("sort_key", "code_key")
    )
    if area_number is not None:
        area = PriorityArea.objects.filter(plan=plan, number=area_number).first()
        if area is None:
            raise Http404(f"{plan}に区分番号 {area_number} の重点施策区分はありません。")
        found = found.in_area(area)
    return found


def item(plan, code):
    found = items(plan).filter(pk__in=ActionItem.objects.with_code(plan, code).values("pk"))
    found = found.prefetch_related(
        Prefetch(
            "statuses",
            queryset=_published_rows(YearlyStatus, plan).order_by("fiscal_year"),
            to_attr="published_statuses",
        ),
        Prefetch("kpis", queryset=kpis(plan), to_attr="kpi_list"),
    ).first()
    if found is None:
        raise Http404(f"{plan}に取組番号「{code}」の取組はありません。")
    return found


def _published_rows(model, plan):
    """Rows of a yearly model (statuses, KPI actuals) of the plan's published years only."""
    return model.objects.filter(fiscal_year__in=published_years(plan).values("fiscal_year"))


def kpis(plan):
    return (
        Kpi.objects.filter(item__plan=plan)
        .select_related("item")
        .prefetch_related(
            Prefetch(
                "actuals",
                queryset=_published_rows(KpiActual, plan).order_by("fiscal_year"),
                to_attr="published_actuals",
            )
        )
        .order_by("item__sort_key", "item__code_key", "id")
    )


def statuses(plan, fiscal_year):
    """Every item of the plan with its status and public comment for a (published) year."""
    return (
        ActionItem.objects.filter(plan=plan)
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


def timeline(town, area_name=None):
    return (
        TimelineEvent.objects.for_town(town)
        .for_area_name(area_name)
        .prefetch_related(
            Prefetch("areas", queryset=PriorityArea.objects.select_related("plan").order_by("id"))
        )
        .order_by("occurred_on", "id")
    )
