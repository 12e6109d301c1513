from django.shortcuts import get_object_or_404, render

from actions.models import ActionItem


def item_detail(request, slug, number):
    item = get_object_or_404(
        ActionItem.objects.select_related("plan", "primary_area"), plan__slug=slug, number=number
    )
    return render(request, "actions/item_detail.html", {"item": item})
