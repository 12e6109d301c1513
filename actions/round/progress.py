"""Where a year's round stands (進捗状況): counts of items per state, per section and per area.

Read-only. The counts come from two grouped queries whatever the number of
items or sections: one over the plan's items (by section, primary area and
state) and one over the 再掲 listings (by area and state). An item without a
recorded status for the year is 未入力, whatever its row says (as
workflow.state_of decides for one item).
"""

from dataclasses import dataclass, field

from django.db.models import Case, Count, F, FilteredRelation, Q, Value, When
from django.utils import timezone

from actions import workflow
from actions.models import ActionItem, EvaluationState
from actions.services.round import deadline_label
from plans.models import Section

S = EvaluationState
STATES = list(EvaluationState)  # the board's columns, in the round's order
NO_SECTION = "none"  # the filter value of items without a section


def with_year_state(items, fiscal_year):
    """Annotate ``year_state``: the item's state for the year (未入力 without a status)."""
    return items.annotate(
        year_status=FilteredRelation("statuses", condition=Q(statuses__fiscal_year=fiscal_year))
    ).annotate(
        year_state=Case(
            When(
                Q(year_status__status__isnull=True) | Q(year_status__status=""),
                then=Value(S.NOT_ENTERED.value),
            ),
            default=F("year_status__state"),
        )
    )


@dataclass
class Row:
    """One line of the board: a section, an area or the whole."""

    key: object  # the section's or area's pk, NO_SECTION, or None for the total
    label: str
    counts: dict = field(default_factory=lambda: {state.value: 0 for state in STATES})
    overdue: bool = False

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def approved(self):
        return self.counts[S.APPROVED]

    @property
    def outstanding(self):
        """Items still waiting for their staff: 未入力, 入力済み (not submitted) or 差戻し."""
        return sum(self.counts[state] for state in workflow.NEEDS_STAFF)

    @property
    def percent(self):
        """承認 of all items, one decimal (None without items)."""
        return round(100 * self.approved / self.total, 1) if self.total else None

    @property
    def cells(self):
        return [(state, self.counts[state.value]) for state in STATES]

    def add(self, state, n):
        self.counts[state] += n


@dataclass
class Board:
    plan: object
    fiscal_year: int
    evaluation: object  # EvaluationYear or None
    sections: list
    areas: list
    total: Row
    today: object

    @property
    def deadline(self):
        return self.evaluation.deadline if self.evaluation else None

    @property
    def days_left(self):
        """Days from today to the deadline (negative once it has passed), or None."""
        return (self.deadline - self.today).days if self.deadline else None

    @property
    def deadline_text(self):
        return deadline_text(self.deadline, self.today)

    @property
    def overdue_sections(self):
        return [row for row in self.sections if row.overdue]


def deadline_text(deadline, today=None):
    """「締切日 令和9年5月31日（2027年5月31日）まであと12日」, 「…本日が締切日です」, 「…を3日過ぎています」."""
    if deadline is None:
        return ""
    today = today or timezone.localdate()
    days = (deadline - today).days
    label = deadline_label(deadline)
    if days > 0:
        return f"締切日 {label}まであと{days}日"
    if days == 0:
        return f"本日 {label}が締切日です"
    return f"締切日 {label}を{-days}日過ぎています"


def progress_board(plan, fiscal_year, evaluation=None, section_ids=None, today=None):
    """The counts of every state per section, per area (再掲 included) and in all.

    ``section_ids`` limits the board to those sections' items (a 課長's); None
    means all items. A section is overdue when the deadline has passed and it
    still has items waiting for its staff.
    """
    today = today or timezone.localdate()
    items = ActionItem.objects.filter(plan=plan).in_sections(section_ids)
    grouped = (
        with_year_state(items, fiscal_year)
        .values_list("section_id", "primary_area_id", "year_state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    relisted = (
        with_year_state(items.filter(relisted_areas__isnull=False), fiscal_year)
        .values_list("relisted_areas", "year_state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_section, by_area, total = {}, {}, Row(None, "合計")
    for section_id, area_id, state, n in grouped:
        by_section.setdefault(section_id, Row(section_id or NO_SECTION, "")).add(state, n)
        by_area.setdefault(area_id, Row(area_id, "")).add(state, n)
        total.add(state, n)
    for area_id, state, n in relisted:
        by_area.setdefault(area_id, Row(area_id, "")).add(state, n)

    names = {
        section.pk: str(section)
        for section in Section.objects.filter(pk__in=[pk for pk in by_section if pk])
    }
    if section_ids:  # a 課長 sees their sections even before they own items
        for pk in section_ids:
            by_section.setdefault(pk, Row(pk, ""))
        names.update(
            (section.pk, str(section))
            for section in Section.objects.filter(pk__in=set(section_ids) - set(names))
        )
    passed = (
        evaluation is not None and evaluation.deadline is not None and (evaluation.deadline < today)
    )
    sections = []
    for pk, row in by_section.items():
        row.label = names.get(pk, "（担当課未設定）") if pk else "（担当課未設定）"
        row.overdue = passed and row.outstanding > 0
        sections.append(row)
    sections.sort(key=lambda row: (row.key == NO_SECTION, row.label))
    areas = []
    for area in plan.areas.all():
        row = by_area.get(area.pk, Row(area.pk, ""))
        row.label = str(area)
        areas.append(row)
    total.overdue = passed and total.outstanding > 0
    return Board(plan, fiscal_year, evaluation, sections, areas, total, today)


def filtered_items(plan, fiscal_year, *, state=None, section=None, area=None, section_ids=None):
    """The items behind one number of the board, with ``year_state`` annotated.

    ``section`` is a section pk or NO_SECTION; ``area`` an area pk (再掲 included).
    """
    items = ActionItem.objects.filter(plan=plan).in_sections(section_ids)
    if section == NO_SECTION:
        items = items.filter(section__isnull=True)
    elif section is not None:
        items = items.filter(section_id=section)
    if area is not None:
        items = items.filter(
            pk__in=ActionItem.objects.filter(
                Q(primary_area_id=area) | Q(relisted_areas=area)
            ).values("pk")
        )
    items = with_year_state(items, fiscal_year)
    if state is not None:
        items = items.filter(year_state=state)
    return items.select_related("section", "primary_area", "plan")
