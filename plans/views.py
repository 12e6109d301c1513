"""The plan's own pages: its philosophy, policies, areas, Well-Being links and timeline."""

from itertools import groupby

from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext

from actions.lineage import plan_lineage
from actions.models import ActionItem
from plans import wareki
from plans.models import (
    GoverningBody,
    Plan,
    PriorityArea,
    TimelineEvent,
    WellBeingDirection,
    WellBeingMeasure,
)
from plans.translated import translated_field_names

OTHER = "その他"


def plan_index(request):
    plans = (
        Plan.objects.for_town(request.town)
        .annotate(item_count=Count("items"))
        .select_related("revises")
    )
    return render(request, "plans/plan_index.html", {"plans": plans})


def plan_detail(request, slug):
    plan = (
        Plan.objects.for_town(request.town)
        .filter(slug=slug)
        .select_related("revises")
        .prefetch_related(
            "policies",
            "pillars",
            "revisions",
            "theme_directions",
            "related_plans",
            Prefetch(
                "areas",
                queryset=PriorityArea.objects.prefetch_related(
                    Prefetch(
                        "items",
                        queryset=ActionItem.objects.select_related("plan"),
                    )
                ),
            ),
        )
        .annotate(item_count=Count("items"))
        .first()
    )
    if plan is None:
        raise Http404(gettext("計画ID「{slug}」の計画は登録されていません。").format(slug=slug))
    areas = list(plan.areas.all())
    directions = wellbeing_rows(plan, areas)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "previous": plan.revises,
            "handovers": plan.handovers([p for p in (plan.revises, *plan.revisions.all()) if p]),
            "areas": areas,
            "added_areas": [area for area in areas if area.added_in_revision],
            "areas_have_review_columns": any(
                area.main_initiatives or area.national_alignment for area in areas
            ),
            "national_plan": next(
                (related for related in plan.related_plans.all() if related.issuer == "国"), None
            ),
            "directions": directions,
            "bodies": GoverningBody.objects.for_town(request.town),
            "lineage": plan_lineage(plan),
        },
    )


def wellbeing_rows(plan, areas):
    """The Well-Being table of a plan: each direction with the measures the plan names
    under it and the items the town assigned to it; empty when the plan has neither.

    A measure is linked to the item or area of the plan that bears its name: the
    review names them itself. Items assigned by the town are listed apart.
    """
    directions = list(
        WellBeingDirection.objects.for_town(plan.town_id).prefetch_related(
            Prefetch(
                "measures",
                queryset=WellBeingMeasure.objects.filter(plan=plan).select_related(
                    "area", "area__plan"
                ),
                to_attr="plan_measures",
            ),
            Prefetch(
                "items",
                queryset=ActionItem.objects.filter(plan=plan).select_related("plan"),
                to_attr="plan_items",
            ),
        )
    )
    if not any(d.plan_measures or d.plan_items for d in directions):
        return []
    items_by_title = {item.title: item for area in areas for item in area.items.all()}
    for direction in directions:
        for measure in direction.plan_measures:
            measure.named_item = items_by_title.get(measure.name)
    return directions


def timeline(request):
    area_name = request.GET.get("area", "").strip()
    # The areas to filter by (the town's own), each name once (the newest plan's), with its
    # translations.
    area_choices = {}
    for area in (
        PriorityArea.objects.for_town(request.town)
        .filter(events__isnull=False)
        .order_by("-plan__published_on", "number")
        .values("name", *translated_field_names("name"))
    ):
        area_choices.setdefault(area["name"], area)
    area_names = list(area_choices)
    events = TimelineEvent.objects.for_town(request.town).prefetch_related(
        "areas", Prefetch("items", queryset=ActionItem.objects.select_related("plan"))
    )
    if area_name == OTHER:
        events = events.filter(is_other=True)
    elif area_name:
        if area_name not in area_names:
            raise Http404(
                gettext("重点施策区分「{area}」の主な取組はありません。").format(area=area_name)
            )
        events = events.for_area_name(area_name)
    years = [
        {"fiscal_year": year, "events": list(group)}
        for year, group in groupby(
            events.order_by("occurred_on", "id"),
            key=lambda event: wareki.fiscal_year_of_date(event.occurred_on),
        )
    ]
    return render(
        request,
        "plans/timeline.html",
        {
            "years": years,
            "area_names": area_names + [OTHER],
            "area_choices": list(area_choices.values()),
            "selected_area": area_name,
            "selected_choice": area_choices.get(area_name),
            "event_count": sum(len(year["events"]) for year in years),
        },
    )
