"""The content of a year's progress report, built once and rendered by every format.

Every figure comes from the one engine (reports.achievement, through the
cache); the rows are read with a fixed number of queries whatever the number
of items. The renderers (docx, xlsx, pdf, html) only lay this out: none of
them counts, divides or rounds.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext

from actions.models import (
    NOT_EVALUATED_LABEL,
    ActionItem,
    EvaluationYear,
    Kpi,
    KpiActual,
    YearlyStatus,
)
from actions.models import Status as StatusChoice
from plans import wareki
from plans.models import Section, TimelineEvent
from plans.translated import translated_field_names
from reports import cache
from reports.achievement import format_rate, round_rate
from reports.models import YearReport

DRAFT_MARK = "案"
STATUS_LABELS = dict(StatusChoice.choices)


@dataclass
class TableRow:
    """One row of table 3-2: an area, or the total."""

    name: str
    total: int
    achieved: int
    partially_achieved: int
    not_achieved: int
    undeterminable: int
    not_evaluated: int
    rate_percent: Decimal | None  # 87.5, rounded by the engine
    provisional: bool

    @property
    def rate_display(self):
        return _percent_text(self.rate_percent)

    @property
    def rate_fraction(self):
        """The rate as a number for a spreadsheet (0.875), or None."""
        return None if self.rate_percent is None else float(self.rate_percent / 100)

    @property
    def numbers(self):
        return [
            self.total,
            self.achieved,
            self.partially_achieved,
            self.not_achieved,
            self.undeterminable,
        ]


@dataclass
class KpiLine:
    name: str
    unit: str
    baseline: Decimal | None
    actual: Decimal | None

    @property
    def text(self):
        """「74%→100%」, 「9手続き→26手続き」, 「0件」."""
        values = [_with_unit(v, self.unit) for v in (self.baseline, self.actual) if v is not None]
        return "→".join(values) if values else gettext("実績なし")


@dataclass
class Highlight:
    """A box of 主な達成・未達成項目: 【区分】 the item, its KPI, its status."""

    area: str
    code: str
    title: str
    status: str
    kpis: list
    title_en: str = ""  # the title's translations ({{ box|tr:"title" }}), read with the item
    title_easy: str = ""


@dataclass
class ItemRow:
    code: str
    title: str
    section: str
    status: str
    comment: str
    relisted: bool = False
    title_en: str = ""
    title_easy: str = ""


@dataclass
class AreaSection:
    number: int
    name: str
    rate: str
    finding: str
    items: list


@dataclass
class EventRow:
    year: str  # 令和7年
    month: str  # 5月
    summary: str
    areas: str  # 町民サービスの向上/防災DXの推進
    occurred_on: datetime.date


@dataclass
class RateComparison:
    area: str
    rate_percent: Decimal | None
    previous_rate_percent: Decimal | None

    @property
    def rate(self):
        return _percent_text(self.rate_percent)

    @property
    def previous_rate(self):
        return _percent_text(self.previous_rate_percent)


def _percent_text(percent):
    return "—" if percent is None else f"{percent}%"


@dataclass
class StatusChange:
    area: str
    code: str
    title: str
    before: str
    after: str
    title_en: str = ""
    title_easy: str = ""


@dataclass
class ReportContent:
    plan: object
    fiscal_year: int
    is_draft: bool
    issuer: str
    issued_on: datetime.date
    narrative: Narrative
    has_statuses: bool
    evaluated: int
    total_items: int
    provisional: bool
    formula: str
    rule_notes: list
    rows: list  # [TableRow] per area
    total: TableRow
    mean_rate_percent: Decimal | None
    pooled_formula: str
    mean_formula: str
    published_explanation: str
    published_differs: bool
    notes: list
    highlights: list
    highlights_chosen: bool
    areas: list  # [AreaSection]
    events: list
    events_since_start: bool
    previous_year: int | None
    comparisons: list
    changes: list
    item_count_note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def plan_title(self):
        return clean(str(self.plan))

    @property
    def year_label(self):
        return wareki.fiscal_year_label(self.fiscal_year)

    @property
    def subtitle(self):
        return gettext("{year} 取組の達成状況").format(year=self.year_label)

    @property
    def issued_label(self):
        return f"{wareki.date_label(self.issued_on)}（{self.issued_on:%Y年%-m月%-d日}）"

    @property
    def draft_label(self):
        return f"【{DRAFT_MARK}】" if self.is_draft else ""

    @property
    def mean_rate_display(self):
        return _percent_text(self.mean_rate_percent)

    @property
    def coverage(self):
        """「評価済み 28／30」 when the year is not fully rated, else ''."""
        if not self.provisional:
            return ""
        return gettext("評価済み {evaluated}／{total}（達成度は暫定）").format(
            evaluated=self.evaluated, total=self.total_items
        )

    @property
    def show_not_evaluated(self):
        return self.total.not_evaluated > 0

    @property
    def overview_paragraphs(self):
        return _paragraphs(self.narrative.overview)

    @property
    def deliberation_paragraphs(self):
        return _paragraphs(self.narrative.deliberation)

    @property
    def external_paragraphs(self):
        return _paragraphs(self.narrative.external_review)

    @property
    def external_heading(self):
        body = self.narrative.external_body or gettext("推進委員会・有識者")
        if self.narrative.external_meeting_on:
            day = self.narrative.external_meeting_on
            return f"{body}（{wareki.date_label(day)}（{day:%Y年%-m月%-d日}）開催）"
        return body

    @property
    def previous_year_label(self):
        return wareki.fiscal_year_label(self.previous_year) if self.previous_year else ""

    @property
    def events_heading(self):
        if self.events_since_start:
            return gettext("主な取組一覧（計画策定以後、{year}まで）").format(year=self.year_label)
        return gettext("主な取組一覧（{year}）").format(year=self.year_label)


# Characters XML 1.0 cannot hold (Word and Excel files are XML): dropped from every text.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text):
    return _NOT_IN_XML.sub("", text) if text else text


def _paragraphs(text):
    return [block.strip() for block in text.replace("\r\n", "\n").split("\n") if block.strip()]


def _number_text(value):
    text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return text


def _with_unit(value, unit):
    return f"{_number_text(value)}{unit}"


TEXT_FIELDS = (
    "overview",
    "deliberation",
    "table_notes",
    "external_body",
    "external_review",
    "issuer",
)
NARRATIVE_FIELDS = (
    "overview",
    "deliberation",
    "table_notes",
    "external_body",
    "external_meeting_on",
    "external_review",
    "issuer",
    "issued_on",
    "include_earlier_events",
)


@dataclass
class Narrative:
    """What the 本部 writes for a year's report: stored (YearReport) or being previewed."""

    overview: str = ""
    deliberation: str = ""
    table_notes: str = ""
    external_body: str = ""
    external_meeting_on: datetime.date | None = None
    external_review: str = ""
    issuer: str = ""
    issued_on: datetime.date | None = None
    include_earlier_events: bool = False
    findings: dict = field(default_factory=dict)  # {area id: 所見}
    highlighted_item_ids: list = field(default_factory=list)
    version: int = 0  # 0: nothing stored yet

    @classmethod
    def from_report(cls, report):
        return cls(
            **{name: getattr(report, name) for name in NARRATIVE_FIELDS},
            findings={finding.area_id: finding.text for finding in report.findings.all()},
            highlighted_item_ids=[item.pk for item in report.highlighted_items.all()],
            version=report.version,
        )

    @property
    def note_list(self):
        return [line.strip() for line in self.table_notes.splitlines() if line.strip()]

    def as_dict(self):
        """For the audit log: every field as JSON."""
        data = {name: getattr(self, name) for name in NARRATIVE_FIELDS}
        for name in ("external_meeting_on", "issued_on"):
            data[name] = data[name].isoformat() if data[name] else None
        data["findings"] = {str(k): v for k, v in sorted(self.findings.items()) if v}
        data["highlighted_item_ids"] = sorted(self.highlighted_item_ids)
        return data


def default_issuer(plan):
    """The report's issuer where the narrative names none: 「中井町 DX推進本部」."""
    return f"{plan.town.name} DX推進本部"


def narrative_for(plan, fiscal_year):
    """The stored narrative of the year (3 queries), or an empty one."""
    report = (
        YearReport.objects.filter(plan=plan, fiscal_year=fiscal_year)
        .prefetch_related("findings", "highlighted_items")
        .first()
    )
    return Narrative.from_report(report) if report else Narrative()


def build_report(plan, fiscal_year, *, is_draft=None, narrative=None):
    """The whole report of ``plan`` for ``fiscal_year``, ready for any renderer.

    ``narrative`` is the stored YearReport unless a caller passes one (the edit
    page's preview passes the unsaved form's).
    """
    published = EvaluationYear.objects.published_years(plan)
    if is_draft is None:
        is_draft = fiscal_year not in published
    if narrative is None:
        narrative = narrative_for(plan, fiscal_year)
    narrative = dataclasses.replace(
        narrative,
        **{name: clean(getattr(narrative, name)) for name in TEXT_FIELDS},
        findings={area_id: clean(text) for area_id, text in narrative.findings.items()},
    )
    previous_year = fiscal_year - 1
    if not plan.covers_fiscal_year(previous_year) or (
        previous_year not in published and not is_draft
    ):
        # A public report never shows a year the public may not see.
        previous_year = None
    years = [fiscal_year] + ([previous_year] if previous_year else [])
    by_year = cache.achievements(plan, years)
    achievement = by_year[fiscal_year]
    if previous_year and not by_year[previous_year].has_statuses:
        previous_year = None

    rows = [
        _table_row(result.area.name, result.counts, result.rate) for result in achievement.areas
    ]
    total = _table_row(gettext("合計"), achievement.overall, achievement.pooled_rate)
    findings = narrative.findings
    items, relisted, sections, statuses = _items_and_statuses(plan, years)
    areas_by_id = {result.area.pk: result.area for result in achievement.areas}
    area_sections = _area_sections(
        achievement, items, relisted, sections, statuses.get(fiscal_year, {}), findings
    )
    chosen = set(narrative.highlighted_item_ids)
    highlights = _highlights(
        plan, fiscal_year, items, areas_by_id, statuses.get(fiscal_year, {}), chosen
    )
    comparisons, changes = [], []
    if previous_year:
        before = by_year[previous_year]
        comparisons = [
            RateComparison(now.area.name, now.rate_percent, then.rate_percent)
            for now, then in zip(achievement.areas, before.areas, strict=True)
        ]
        comparisons.append(
            RateComparison(
                gettext("合計"), achievement.pooled_rate_percent, before.pooled_rate_percent
            )
        )
        changes = _changes(
            items, areas_by_id, statuses[previous_year], statuses.get(fiscal_year, {})
        )
    area_rates = [r.rate_percent for r in rows if r.rate_percent is not None]
    return ReportContent(
        plan=plan,
        fiscal_year=fiscal_year,
        is_draft=is_draft,
        issuer=narrative.issuer or default_issuer(plan),
        issued_on=narrative.issued_on or timezone.localdate(),
        narrative=narrative,
        has_statuses=achievement.has_statuses,
        evaluated=achievement.overall.evaluated,
        total_items=achievement.overall.total,
        provisional=achievement.is_provisional,
        formula=achievement.rule.formula,
        rule_notes=achievement.rule.notes,
        rows=rows,
        total=total,
        mean_rate_percent=achievement.mean_of_area_rates_percent,
        pooled_formula=_pooled_formula(total, achievement),
        mean_formula=_mean_formula(area_rates, achievement),
        published_explanation=(achievement.published.explanation if achievement.published else ""),
        published_differs=bool(
            achievement.published
            and achievement.published.overall
            and not achievement.published.matches_pooled_rate
        ),
        notes=narrative.note_list,
        highlights=highlights,
        highlights_chosen=bool(chosen),
        areas=area_sections,
        events=_events(plan, fiscal_year, narrative.include_earlier_events),
        events_since_start=narrative.include_earlier_events,
        previous_year=previous_year,
        comparisons=comparisons,
        changes=changes,
        item_count_note=_item_count_note(plan, achievement),
    )


def _table_row(name, counts, rate):
    return TableRow(
        name=clean(name),
        total=counts.total,
        achieved=counts.achieved,
        partially_achieved=counts.partially_achieved,
        not_achieved=counts.not_achieved,
        undeterminable=counts.undeterminable,
        not_evaluated=counts.not_evaluated,
        rate_percent=round_rate(rate),
        provisional=counts.is_provisional,
    )


def _pooled_formula(total, achievement):
    """「合計の達成度 60.0% =（14＋4）÷ 30（達成度 =（達成＋一部達成）÷ 取組数）」"""
    if achievement.pooled_rate is None:
        return gettext("合計の達成度は、評価済みの取組がないため「—」です（{formula}）。").format(
            formula=achievement.rule.formula
        )
    rule = achievement.rule
    partial = str(total.partially_achieved)
    if rule.partial_weight != 1:
        partial += f"×{float(rule.partial_weight):g}"
    denominator = total.total - total.not_evaluated
    if not rule.undeterminable_in_denominator:
        denominator -= total.undeterminable
    return gettext(
        "合計の達成度 {rate} =（{achieved}＋{partial}）÷ {denominator}"
        "（{formula}。全取組を合算した値）"
    ).format(
        rate=total.rate_display,
        achieved=total.achieved,
        partial=partial,
        denominator=denominator,
        formula=rule.formula,
    )


def _mean_formula(area_rates, achievement):
    """「区分別達成度の平均 63.3% =（87.5＋66.7＋100.0＋50.0＋12.5）÷ 5」"""
    if not area_rates:
        return ""
    # Translators: the plus sign between the terms of a sum (full width in Japanese).
    terms = gettext("＋").join(str(rate) for rate in area_rates)
    return gettext(
        "区分別達成度の平均 {rate} =（{terms}）÷ {count}（各区分の達成度を足して区分数で割った値）"
    ).format(rate=format_rate(achievement.mean_of_area_rates), terms=terms, count=len(area_rates))


def _item_count_note(plan, achievement):
    if plan.item_counts_differ(achievement.registered_items) and plan.item_count_note:
        return plan.item_count_note
    return ""


class Item(NamedTuple):
    """An item as the report needs it, read as a row (a 2,000-item year builds no models)."""

    pk: int
    code: str
    title: str
    area_id: int
    section_id: int | None
    sort_key: str
    code_key: str
    title_en: str = ""
    title_easy: str = ""


class Status(NamedTuple):
    status: str
    comment: str


def _items_and_statuses(plan, years):
    """The plan's items in code order, {item id: [再掲 area ids]}, {section id: name} and
    {year: {item id: Status}}: 4 queries whatever the number of items."""
    items = [
        Item(pk, clean(code), clean(title), *keys, clean(title_en), clean(title_easy))
        for pk, code, title, *keys, title_en, title_easy in ActionItem.objects.for_plan(plan)
        .order_by("sort_key", "code_key")
        .values_list(
            "pk",
            "code",
            "title",
            "primary_area_id",
            "section_id",
            "sort_key",
            "code_key",
            *translated_field_names("title"),
        )
    ]
    relisted = defaultdict(list)
    listings = ActionItem.relisted_areas.through.objects.filter(actionitem__plan=plan)
    for item_id, area_id in listings.values_list("actionitem_id", "priorityarea_id"):
        relisted[item_id].append(area_id)
    sections = {
        section.pk: clean(str(section))
        for section in Section.objects.filter(pk__in={i.section_id for i in items if i.section_id})
    }
    statuses = defaultdict(dict)
    rows = YearlyStatus.objects.filter(item__plan=plan, fiscal_year__in=years).values_list(
        "item_id", "fiscal_year", "status", "comment"
    )
    for item_id, year, status, comment in rows:
        statuses[year][item_id] = Status(status, clean(comment))
    return items, relisted, sections, statuses


def _status_label(status):
    if status is None or not status.status:
        return str(NOT_EVALUATED_LABEL)
    return str(STATUS_LABELS[status.status])


def _area_sections(achievement, items, relisted, sections, statuses, findings):
    listed = defaultdict(list)
    for item in items:
        listed[item.area_id].append((item, False))
        for area_id in relisted.get(item.pk, ()):
            listed[area_id].append((item, True))
    result = []
    for area_result in achievement.areas:
        area = area_result.area
        rows = []
        for item, is_relisted in listed[area.pk]:
            status = statuses.get(item.pk)
            rows.append(
                ItemRow(
                    code=item.code,
                    title=item.title,
                    section=sections.get(item.section_id, ""),
                    status=_status_label(status),
                    comment=status.comment if status else "",
                    relisted=is_relisted,
                    title_en=item.title_en,
                    title_easy=item.title_easy,
                )
            )
        result.append(
            AreaSection(
                number=area.number,
                name=clean(area.name),
                rate=area_result.rate_display,
                finding=findings.get(area.pk, ""),
                items=rows,
            )
        )
    return result


def _highlights(plan, fiscal_year, items, areas, statuses, chosen):
    """The boxes: the chosen items, or (none chosen) every item with a KPI, by area and code."""
    kpis = Kpi.objects.filter(item__plan=plan).prefetch_related(
        Prefetch(
            "actuals",
            queryset=KpiActual.objects.filter(fiscal_year=fiscal_year),
            to_attr="year_actuals",
        )
    )
    kpis_by_item = defaultdict(list)
    for kpi in kpis:
        actual = kpi.year_actuals[0].value if kpi.year_actuals else None
        kpis_by_item[kpi.item_id].append(
            KpiLine(clean(kpi.name), clean(kpi.unit), kpi.baseline_value, actual)
        )
    wanted = chosen or set(kpis_by_item)
    return [
        Highlight(
            area=clean(areas[item.area_id].name),
            code=item.code,
            title=item.title,
            status=_status_label(statuses.get(item.pk)),
            kpis=kpis_by_item.get(item.pk, []),
            title_en=item.title_en,
            title_easy=item.title_easy,
        )
        for item in _by_area(items, areas)
        if item.pk in wanted
    ]


def _by_area(items, areas):
    """Items in the order of their (first) area's number, then in code order."""
    return sorted(
        items, key=lambda item: (areas[item.area_id].number, item.sort_key, item.code_key)
    )


def _changes(items, areas, before, after):
    changes = []
    for item in _by_area(items, areas):
        old, new = before.get(item.pk), after.get(item.pk)
        old_label, new_label = _status_label(old), _status_label(new)
        if old is not None and old_label != new_label:
            changes.append(
                StatusChange(
                    clean(areas[item.area_id].name),
                    item.code,
                    item.title,
                    old_label,
                    new_label,
                    title_en=item.title_en,
                    title_easy=item.title_easy,
                )
            )
    return changes


def _events(plan, fiscal_year, since_start):
    first = plan.period_start if since_start else datetime.date(fiscal_year, 4, 1)
    last = wareki.fiscal_year_end(fiscal_year)
    events = (
        TimelineEvent.objects.for_town(plan.town_id)
        .filter(occurred_on__range=(first, last))
        .prefetch_related("areas")
    )
    rows = []
    for event in events:
        names = [clean(area.name) for area in sorted(event.areas.all(), key=lambda a: a.number)]
        if event.is_other:
            names.append(gettext("その他"))
        era, year_in_era = wareki.era_of_date(event.occurred_on)
        rows.append(
            EventRow(
                year=f"{era}{'元' if year_in_era == 1 else year_in_era}年",
                month=f"{event.occurred_on.month}月",
                summary=clean(event.summary),
                areas="/".join(names),
                occurred_on=event.occurred_on,
            )
        )
    return rows
