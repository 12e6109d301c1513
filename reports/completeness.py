"""What a year's figures rest on: the gaps shown before a year is locked or published.

One read for the confirmation pages. The engine says how many items of each
area and 担当課 are rated (it counts; nothing here does); the items not
approved yet come from ActionItem.objects.not_approved_for, the same rule the
lock service applies. A constant number of queries whatever the number of
items or sections.
"""

from dataclasses import dataclass

from django.db.models import Count

from actions.models import (
    NOT_EVALUATED_LABEL,
    ActionItem,
    EvaluationState,
    EvaluationYear,
    YearGaps,
)
from plans import wareki
from reports.achievement import Achievement, compute_achievement, compute_by_section

ITEM_LIST_LIMIT = 200  # the page lists this many items not approved; the counts cover all


@dataclass
class SectionGaps:
    result: object  # the engine's SectionAchievement
    not_approved: int

    @property
    def name(self):
        return self.result.name

    @property
    def counts(self):
        return self.result.counts


@dataclass
class Completeness:
    plan: object
    fiscal_year: int
    evaluation: EvaluationYear | None
    achievement: Achievement
    sections: list  # [SectionGaps], the engine's order
    gaps: YearGaps  # distinct items, as the lock service counts them
    not_approved: list  # items (with year_state, year_status), at most ITEM_LIST_LIMIT

    @property
    def fiscal_year_label(self):
        return wareki.fiscal_year_label(self.fiscal_year)

    @property
    def has_gaps(self):
        return bool(self.gaps)

    @property
    def unrated_areas(self):
        return [area for area in self.achievement.areas if area.counts.not_evaluated]

    @property
    def thin_areas(self):
        """Areas whose rate rests on fewer than half of their items (none rated included)."""
        return [
            area
            for area in self.achievement.areas
            if area.counts.total and area.counts.rests_on_few
        ]

    @property
    def unlisted_not_approved(self):
        return self.gaps.not_approved - len(self.not_approved)

    @property
    def has_sections(self):
        return any(entry.result.section for entry in self.sections)


def year_completeness(plan, fiscal_year):
    """The figures of a plan's year and what they do not rest on yet."""
    items = ActionItem.objects.for_plan(plan)
    not_approved = items.not_approved_for(fiscal_year)
    by_section = dict(not_approved.values_list("section_id").annotate(n=Count("pk")).order_by())
    sections = [
        SectionGaps(result, by_section.get(result.section.pk if result.section else None, 0))
        for result in compute_by_section(plan, fiscal_year)
    ]
    return Completeness(
        plan=plan,
        fiscal_year=fiscal_year,
        evaluation=EvaluationYear.objects.filter(plan=plan, fiscal_year=fiscal_year).first(),
        achievement=compute_achievement(plan, fiscal_year),
        sections=sections,
        gaps=items.year_gaps(fiscal_year),
        not_approved=[
            _with_state_label(item)
            for item in not_approved.with_year_state(fiscal_year)
            .select_related("plan", "section", "primary_area")
            .order_by("primary_area__number", "sort_key", "code_key")[:ITEM_LIST_LIMIT]
        ],
    )


def _with_state_label(item):
    """「未入力（未評価）」 or the round's state of the item's year."""
    if not item.year_status:
        item.state_label = f"{EvaluationState.NOT_ENTERED.label}（{NOT_EVALUATED_LABEL}）"
    else:
        item.state_label = str(EvaluationState(item.year_state).label)
    return item
