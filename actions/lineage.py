"""Reading revision lineage: which items of a revision continue or merge the previous version's.

The links are ItemLineage rows (旧取組番号 in the workbook). An item with one
predecessor continues it (引き継ぎ), with several it merges them (統合); an
item of a revision without predecessors is new, and an item of the revised
plan that no item names has ended. A revision without any link says nothing
about this: the pages say the correspondence is not registered rather than
calling every item new.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from actions.models import ActionItem, ItemLineage

CONTINUED, MERGED = "continued", "merged"


@dataclass
class Lineage:
    """An item's predecessors (in the revised plan) and successors (in its revisions)."""

    predecessors: list
    successors: list  # each with .merges: it takes over other items too

    @property
    def merges(self):
        return len(self.predecessors) > 1

    def __bool__(self):
        return bool(self.predecessors or self.successors)


def item_lineage(item):
    """One query: the links from and to the item, each successor counting its predecessors."""
    links = (
        ItemLineage.objects.filter(Q(item=item) | Q(predecessor=item))
        .select_related("item__plan", "predecessor__plan")
        .annotate(predecessor_count=Count("item__predecessor_links"))
        .order_by("item__plan__published_on", "item__sort_key", "predecessor__sort_key")
    )
    predecessors, successors = [], []
    for link in links:
        if link.item_id == item.pk:
            predecessors.append(link.predecessor)
        else:
            link.item.merges = link.predecessor_count > 1
            successors.append(link.item)
    return Lineage(predecessors, successors)


@dataclass
class PlanLineage:
    """How a revision's items relate to the previous version's; empty lists without links."""

    previous: object
    has_links: bool
    continued: list = field(default_factory=list)  # [(item, predecessor)]
    merged: list = field(default_factory=list)  # [(item, [predecessors])]
    new: list = field(default_factory=list)  # [item]
    ended: list = field(default_factory=list)  # [previous item]


def plan_lineage(plan):
    """The lineage of a revision's items, or None for a plan that revises nothing."""
    previous = plan.revises
    if previous is None:
        return None
    items = list(
        ActionItem.objects.filter(plan=plan)
        .select_related("plan")
        .prefetch_related(
            Prefetch("predecessors", queryset=ActionItem.objects.select_related("plan"))
        )
    )
    result = PlanLineage(previous, any(item.predecessors.all() for item in items))
    if not result.has_links:
        return result
    taken_over = set()
    for item in items:
        predecessors = list(item.predecessors.all())
        taken_over.update(p.pk for p in predecessors)
        if len(predecessors) == 1:
            result.continued.append((item, predecessors[0]))
        elif predecessors:
            result.merged.append((item, predecessors))
        else:
            result.new.append(item)
    result.ended = list(
        ActionItem.objects.filter(plan=previous).exclude(pk__in=taken_over).select_related("plan")
    )
    return result
