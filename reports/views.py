from django.shortcuts import get_object_or_404, render

from plans.models import Plan, PriorityArea
from reports.achievement import compute_achievement


def dashboard(request):
    plan = Plan.objects.order_by("published_on").first()
    achievement = compute_achievement(plan, 2025) if plan else None
    return render(request, "reports/dashboard.html", {"achievement": achievement})


def area_detail(request, slug, number):
    area = get_object_or_404(PriorityArea.objects.select_related("plan"), plan__slug=slug, number=number)
    return render(request, "reports/area_detail.html", {"area": area})


def opendata_index(request):
    return render(request, "reports/opendata.html")


def item_detail(request, slug, number):
    from actions.models import ActionItem

    item = get_object_or_404(
        ActionItem.objects.select_related("plan", "primary_area"), plan__slug=slug, number=number
    )
    return render(request, "reports/item_detail.html", {"item": item})
