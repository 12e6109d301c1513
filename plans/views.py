from django.shortcuts import get_object_or_404, render

from plans.models import Plan, TimelineEvent


def plan_detail(request, slug):
    plan = get_object_or_404(Plan.objects.with_structure(), slug=slug)
    return render(request, "plans/plan_detail.html", {"plan": plan})


def timeline(request):
    events = TimelineEvent.objects.prefetch_related("areas")
    return render(request, "plans/timeline.html", {"events": events})


def plan_index(request):
    return render(request, "plans/plan_index.html", {"plans": Plan.objects.all()})
