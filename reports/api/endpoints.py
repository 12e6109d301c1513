"""The API's operations: published data only, every figure from the one engine."""

from django.urls import reverse
from ninja import Router
from ninja.pagination import paginate

from actions.models import NOT_EVALUATED_LABEL, Status
from plans import wareki
from reports import cache
from reports.api import queries, schemas
from reports.api.conditional import conditional
from reports.api.pagination import BoundedPagination

router = Router()
NOT_FOUND = {404: schemas.Error}


def _url(request, name, *args):
    return request.build_absolute_uri(reverse(f"api-1:{name}", args=args))


def _html(request, path):
    return request.build_absolute_uri(path)


def _year(fiscal_year):
    return {"fiscal_year": fiscal_year, "label": wareki.fiscal_year_label(fiscal_year)}


def _status_label(value):
    return str(Status(value).label if value else NOT_EVALUATED_LABEL)


def plan_summary(request, plan, years):
    return {
        "slug": plan.slug,
        "name": plan.name,
        "version": plan.version,
        "title": str(plan),
        "published_on": plan.published_on,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "fiscal_years": list(plan.fiscal_years),
        "revises": plan.revises.slug if plan.revises_id else None,
        "published_years": [_year(year) for year in years],
        "url": _url(request, "plan", plan.slug),
        "html": _html(request, plan.get_absolute_url()),
    }


def area_document(request, area):
    return {
        "number": area.number,
        "name": area.name,
        "main_initiatives": area.main_initiatives,
        "national_alignment": area.national_alignment,
        "added_in_revision": area.added_in_revision,
        "aliases": area.alias_list,
        "html": _html(request, reverse("reports:area", args=[area.plan.slug, area.number])),
    }


def item_document(request, plan, item):
    item.plan = plan
    return {
        "code": item.code,
        "title": item.title,
        "name_published": item.name_published,
        "description": item.description,
        "primary_area": {"number": item.primary_area.number, "name": item.primary_area.name},
        "relisted_areas": [
            {"number": area.number, "name": area.name} for area in item.relisted_areas.all()
        ],
        "section": str(item.section) if item.section_id else None,
        "url": _url(request, "item", plan.slug, item.code_key),
        "html": _html(request, item.get_absolute_url()),
    }


def kpi_document(kpi):
    return {
        "item_code": kpi.item.code,
        "item_title": kpi.item.title,
        "name": kpi.name,
        "unit": kpi.unit,
        "baseline_value": kpi.baseline_value,
        "baseline_year": kpi.baseline_year,
        "target_value": kpi.target_value,
        "target_year": kpi.target_year,
        "note": kpi.note,
        "actuals": [
            {**_year(actual.fiscal_year), "value": actual.value} for actual in kpi.published_actuals
        ],
    }


@router.get(
    "/plans",
    response=list[schemas.PlanSummary],
    tags=["計画"],
    summary="計画の一覧",
    url_name="plans",
)
@conditional
@paginate(BoundedPagination)
def list_plans(request):
    """計画の一覧（版ごと）と、評価を公表済みの年度。"""
    years = {}
    for evaluation in queries.published_years(town=request.town):
        years.setdefault(evaluation.plan_id, []).append(evaluation.fiscal_year)
    return _Mapped(
        queries.plans(request.town),
        lambda plan: plan_summary(request, plan, years.get(plan.pk, [])),
    )


@router.get(
    "/plans/{slug}",
    response={200: schemas.PlanDetail, **NOT_FOUND},
    tags=["計画"],
    summary="計画",
    url_name="plan",
)
@conditional
def get_plan(request, slug: str):
    """計画：基本理念・基本方針・重点施策区分と、評価を公表済みの年度。"""
    plan = queries.plan(request.town, slug)
    return {
        **plan_summary(request, plan, queries.published_year_numbers(plan)),
        "subtitle": plan.subtitle,
        "philosophy": plan.philosophy,
        "theme": plan.theme,
        "vision": plan.vision,
        "published_item_count": plan.published_item_count,
        "item_count_note": plan.item_count_note,
        "policies": [{"number": p.number, "name": p.name} for p in plan.policies.all()],
        "areas": [area_document(request, area) for area in queries.areas(plan)],
    }


@router.get(
    "/plans/{slug}/areas",
    response={200: list[schemas.Area], **NOT_FOUND},
    tags=["計画"],
    summary="重点施策区分の一覧",
    url_name="areas",
)
@conditional
@paginate(BoundedPagination)
def list_areas(request, slug: str):
    """計画の重点施策区分。"""
    plan = queries.plan(request.town, slug)
    return _Mapped(queries.areas(plan), lambda area: area_document(request, area))


@router.get(
    "/plans/{slug}/items",
    response={200: list[schemas.Item], **NOT_FOUND},
    tags=["取組"],
    summary="取組の一覧",
    url_name="items",
)
@conditional
@paginate(BoundedPagination)
def list_items(request, slug: str, area: int | None = None):
    """計画の取組（取組番号順）。`area`（区分番号）で、その区分に掲載された取組（再掲を含む）に絞ります。"""
    plan = queries.plan(request.town, slug)
    return _Mapped(queries.items(plan, area), lambda item: item_document(request, plan, item))


@router.get(
    "/plans/{slug}/items/{path:code}",
    response={200: schemas.ItemDetail, **NOT_FOUND},
    tags=["取組"],
    summary="取組",
    url_name="item",
)
@conditional
def get_item(request, slug: str, code: str):
    """取組：公表済みの年度の達成状況と、指標（KPI）の基準値・目標値・公表済みの年度の実績値。"""
    plan = queries.plan(request.town, slug)
    item = queries.item(plan, code)
    return {
        **item_document(request, plan, item),
        "statuses": [
            {
                **_year(status.fiscal_year),
                "status": status.status or None,
                "status_label": _status_label(status.status),
                "comment": status.comment,
            }
            for status in item.published_statuses
        ],
        "kpis": [kpi_document(kpi) for kpi in item.kpi_list],
    }


@router.get(
    "/plans/{slug}/kpis",
    response={200: list[schemas.KpiDocument], **NOT_FOUND},
    tags=["取組"],
    summary="指標（KPI）の一覧",
    url_name="kpis",
)
@conditional
@paginate(BoundedPagination)
def list_kpis(request, slug: str):
    """計画の指標（KPI）と、公表済みの年度の実績値。"""
    return _Mapped(queries.kpis(queries.plan(request.town, slug)), kpi_document)


@router.get(
    "/plans/{slug}/years",
    response={200: list[schemas.PublishedYear], **NOT_FOUND},
    tags=["年度"],
    summary="公表済みの年度の一覧",
    url_name="years",
)
@conditional
@paginate(BoundedPagination)
def list_years(request, slug: str):
    """評価を公表済みの年度（公表されていない年度は含みません）。"""
    plan = queries.plan(request.town, slug)
    return _Mapped(
        queries.published_years(plan),
        lambda evaluation: {
            **_year(evaluation.fiscal_year),
            "achievement": _url(request, "achievement", plan.slug, evaluation.fiscal_year),
            "statuses": _url(request, "statuses", plan.slug, evaluation.fiscal_year),
        },
    )


@router.get(
    "/plans/{slug}/years/{year}/achievement",
    response={200: schemas.Achievement, **NOT_FOUND},
    tags=["年度"],
    summary="年度の達成度",
    url_name="achievement",
)
@conditional
def get_achievement(request, slug: str, year: str):
    """公表済みの年度の達成度：区分ごとの件数と達成度、全体（合算と区分別の平均）、計算規則、計画書の公表値との比較。

    ダッシュボード・オープンデータの JSON と CSV と同じ計算（reports/achievement.py）の結果です。
    `year` は 2025・R7・令和7年度 のどれでも指定できます。
    """
    plan = queries.plan(request.town, slug)
    fiscal_year = queries.published_year(plan, year)
    return cache.achievement(plan, fiscal_year).as_dict()


@router.get(
    "/plans/{slug}/years/{year}/statuses",
    response={200: list[schemas.ItemStatus], **NOT_FOUND},
    tags=["年度"],
    summary="年度の取組ごとの達成状況",
    url_name="statuses",
)
@conditional
@paginate(BoundedPagination)
def list_statuses(request, slug: str, year: str):
    """公表済みの年度の、取組ごとの達成状況と備考（取組番号順。status が null の取組は未評価）。"""
    plan = queries.plan(request.town, slug)
    fiscal_year = queries.published_year(plan, year)

    def document(item):
        item.plan = plan
        return {
            "code": item.code,
            "title": item.title,
            "name_published": item.name_published,
            "primary_area": item.primary_area.number,
            "status": item.status or None,
            "status_label": _status_label(item.status),
            "comment": item.comment or "",
            "url": _url(request, "item", plan.slug, item.code_key),
        }

    return _Mapped(queries.statuses(plan, fiscal_year), document)


@router.get(
    "/timeline",
    response=list[schemas.TimelineEvent],
    tags=["年表"],
    summary="主な取組の年表",
    url_name="timeline",
)
@conditional
@paginate(BoundedPagination)
def list_timeline(request, area: str | None = None):
    """主な取組の年表（計画書 3-3）。`area`（区分名）で絞り込めます。"""
    return _Mapped(
        queries.timeline(request.town, area),
        lambda event: {
            "occurred_on": event.occurred_on,
            "label": event.month_label,
            "summary": event.summary,
            "areas": [
                {"plan": a.plan.slug, "number": a.number, "name": a.name} for a in event.areas.all()
            ],
            "is_other": event.is_other,
            "before_plan": event.before_plan,
        },
    )


class _Mapped:
    """A queryset whose page is turned into documents: counted and sliced in the database."""

    def __init__(self, queryset, document):
        self.queryset = queryset
        self.document = document

    def all(self):
        return self.queryset.all()

    def __getitem__(self, page):
        return [self.document(row) for row in self.queryset[page]]
