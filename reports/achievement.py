"""The achievement engine: the one place that computes 達成度.

Every page, export and command asks :func:`compute_achievement`; nothing else
divides statuses. The counts come from the status tallies (actions.tallies).

The plan's own footnote defines 達成度 = (達成 + 一部達成) / 取組数. Items that
have no status for the year (未評価) are counted apart and left out of the
denominator, so a year that has not been evaluated shows no rate (「—」) rather
than a misleading 0%. Whether 判定不可 stays in the denominator, the weight of
一部達成 and whether the overall total counts listings (再掲 included) or
distinct items are the deployment's settings (``ACHIEVEMENT_RULE``), which a
town may set otherwise for its own figures (plans.Town): :func:`rule_for`
is the one place that reads them.

The words of a result (the formula, its notes, the comparison with the plan's
printed figure) are put together when read, in the page's language; the
results themselves hold numbers only, so one cached result serves every
language. ``as_dict`` (open data) is always in Japanese.
"""

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from actions import tallies
from actions.models import Status
from plans import wareki
from plans.models import PriorityArea, PublishedFigure

STATUS_FIELDS = (
    ("achieved", Status.ACHIEVED),
    ("partially_achieved", Status.PARTIALLY_ACHIEVED),
    ("not_achieved", Status.NOT_ACHIEVED),
    ("undeterminable", Status.UNDETERMINABLE),
)
COUNT_FIELDS = ("total",) + tuple(name for name, _ in STATUS_FIELDS) + ("not_evaluated",)


@dataclass(frozen=True)
class Rule:
    undeterminable_in_denominator: bool = True
    partial_weight: Fraction = Fraction(1)
    count_listings: bool = True

    @classmethod
    def from_settings(cls):
        """The deployment's rule (settings.ACHIEVEMENT_RULE): ask :func:`rule_for` instead."""
        config = getattr(settings, "ACHIEVEMENT_RULE", {})
        return cls(
            undeterminable_in_denominator=bool(config.get("UNDETERMINABLE_IN_DENOMINATOR", True)),
            partial_weight=Fraction(str(config.get("PARTIAL_WEIGHT", "1"))),
            count_listings=bool(config.get("COUNT_LISTINGS", True)),
        )

    @property
    def key(self):
        """The rule as a short text, for the keys of cached figures."""
        return (
            f"{int(self.undeterminable_in_denominator)}{self.partial_weight}"
            f"{int(self.count_listings)}"
        )

    def notes_differing_from(self, other):
        """The notes of this rule that ``other`` does not have (what a town sets otherwise)."""
        return [note for note in self.notes if note not in other.notes]

    @property
    def formula(self):
        """The rule in words, as shown under every rate."""
        if self.partial_weight == 1:
            partial = _("一部達成")
        else:
            partial = _("一部達成×%(weight)s") % {"weight": _number(self.partial_weight)}
        if self.undeterminable_in_denominator:
            denominator = _("取組数")
        else:
            denominator = _("（取組数－判定不可）")
        return _("達成度 =（達成＋%(partial)s）÷ %(denominator)s") % {
            "partial": partial,
            "denominator": denominator,
        }

    @property
    def notes(self):
        notes = [_("未評価の取組は分母に含めません。評価済みの取組がない区分の達成度は「—」です。")]
        if self.undeterminable_in_denominator:
            notes.append(_("判定不可の取組は分母（取組数）に含めます。"))
        else:
            notes.append(_("判定不可の取組は分母から除きます。"))
        if self.count_listings:
            notes.append(_("合計の取組数は再掲分を含めて数えます。"))
        else:
            notes.append(_("合計の取組数は再掲分を除き、取組ごとに1回だけ数えます。"))
        return notes

    def as_dict(self):
        with translation.override("ja"):
            return {
                "formula": self.formula,
                "undeterminable_in_denominator": self.undeterminable_in_denominator,
                "partial_weight": float(self.partial_weight),
                "count_listings": self.count_listings,
                "notes": self.notes,
            }


def _number(fraction):
    return str(int(fraction)) if fraction.denominator == 1 else str(float(fraction))


def rule_for(town=None):
    """The rule of a town's figures: the town's own settings where it has them
    (plans.Town; None there means the deployment's), else the deployment's
    (settings.ACHIEVEMENT_RULE). Without a town: the deployment's."""
    rule = Rule.from_settings()
    if town is None:
        return rule
    own = {}
    if town.undeterminable_in_denominator is not None:
        own["undeterminable_in_denominator"] = town.undeterminable_in_denominator
    if town.partial_weight is not None:
        own["partial_weight"] = Fraction(town.partial_weight)
    if town.count_listings is not None:
        own["count_listings"] = town.count_listings
    return dataclasses.replace(rule, **own) if own else rule


def rules_of(plans, rule=None):
    """{plan_id: Rule} of plans, each its town's (:func:`rule_for`), or ``rule`` for all.

    A plan read with its town costs nothing; the towns of the others are read in
    one query together.
    """
    from plans.models import Plan, Town

    plans = list(plans)
    if rule is not None:
        return {plan.pk: rule for plan in plans}
    unread = {plan.town_id for plan in plans if not Plan.town.is_cached(plan)}
    towns = Town.objects.in_bulk(unread) if unread else {}
    for plan in plans:
        if plan.town_id in towns:
            plan.town = towns[plan.town_id]
    return {plan.pk: rule_for(plan.town) for plan in plans}


def round_rate(rate):
    """A rate (a fraction of 1) as a percentage, rounded half-up to one decimal."""
    if rate is None:
        return None
    if not isinstance(rate, Fraction | int):
        rate = Fraction(rate)
    # floor(rate × 1000 + 1/2) in integers: a page of every town rounds thousands of rates.
    tenths = (2000 * rate.numerator + rate.denominator) // (2 * rate.denominator)
    return Decimal(tenths).scaleb(-1)


def format_rate(rate):
    """「87.5%」, or 「—」 when there is no rate."""
    rounded = round_rate(rate)
    return "—" if rounded is None else f"{rounded}%"


@dataclass
class Counts:
    total: int = 0
    achieved: int = 0
    partially_achieved: int = 0
    not_achieved: int = 0
    undeterminable: int = 0
    not_evaluated: int = 0

    def add(self, other):
        # Spelled out: the towns compared add five areas' counts for each of 1,741 towns.
        self.total += other.total
        self.achieved += other.achieved
        self.partially_achieved += other.partially_achieved
        self.not_achieved += other.not_achieved
        self.undeterminable += other.undeterminable
        self.not_evaluated += other.not_evaluated

    @property
    def evaluated(self):
        return self.total - self.not_evaluated

    @property
    def is_provisional(self):
        """A rate resting on some of the items only: 暫定 until every item is rated."""
        return self.evaluated > 0 and self.not_evaluated > 0

    @property
    def rests_on_few(self):
        """Fewer than half of the items rated: the rate, if any, says little yet."""
        return self.evaluated * 2 < self.total

    def rate(self, rule):
        denominator = self.evaluated
        if not rule.undeterminable_in_denominator:
            denominator -= self.undeterminable
        if self.evaluated == 0 or denominator <= 0:
            return None
        weight = rule.partial_weight  # one Fraction made, not three: thousands per page of towns
        return Fraction(
            self.achieved * weight.denominator + weight.numerator * self.partially_achieved,
            denominator * weight.denominator,
        )

    def as_dict(self):
        return {name: getattr(self, name) for name in COUNT_FIELDS}


@dataclass
class AreaAchievement:
    area: object
    counts: Counts
    rate: Fraction | None
    relisted: int = 0

    @property
    def rate_percent(self):
        return round_rate(self.rate)

    @property
    def rate_display(self):
        return format_rate(self.rate)

    def as_dict(self):
        return {
            "number": self.area.number,
            "name": self.area.name,
            **self.counts.as_dict(),
            "evaluated": self.counts.evaluated,
            "relisted": self.relisted,
            "rate": _json_rate(self.rate),
            "provisional": self.counts.is_provisional,
        }


@dataclass
class PublishedComparison:
    source: str
    overall: PublishedFigure | None
    areas: list = field(default_factory=list)  # (AreaAchievement, PublishedFigure)
    matches_pooled_rate: bool | None = None
    matches_mean_of_area_rates: bool | None = None
    note: str = ""  # what the plan printed under the table (PublishedFigure.note)
    # What the printed overall figure is compared with: (rule, pooled rate, mean of areas).
    compared_with: tuple | None = None

    @property
    def explanation(self):
        """Which of the two totals the printed overall figure is, in words ("" without one)."""
        if self.overall is None or self.compared_with is None:
            return ""
        rule, pooled_rate, mean_of_area_rates = self.compared_with
        words = {
            "published": self.overall.rate,
            "formula": rule.formula,
            "pooled": format_rate(pooled_rate),
            "mean": format_rate(mean_of_area_rates),
        }
        if self.matches_pooled_rate:
            return (
                _(
                    "公表値 %(published)s%% は、注記の計算式（%(formula)s）で全取組を合算した値と一致します。"
                )
                % words
            )
        if self.matches_mean_of_area_rates:
            # A different way of totalling, not an error: say so plainly.
            return (
                _(
                    "公表値 %(published)s%% は、各区分の達成度を足して区分数で割った値"
                    "（区分別達成度の平均 %(mean)s）です。注記の計算式（%(formula)s）で"
                    "全取組を合算すると %(pooled)s になります。"
                    "どちらも同じ評価結果から計算した値で、集計の方法が異なります。"
                )
                % words
            )
        return (
            _(
                "公表値 %(published)s%% は、計算式による全体の値 %(pooled)s とも、"
                "各区分の達成度の平均 %(mean)s とも異なります。"
            )
            % words
        )

    def as_dict(self):
        with translation.override("ja"):
            explanation = self.explanation
        return {
            "source": self.source,
            "overall_rate": float(self.overall.rate) if self.overall else None,
            "matches_pooled_rate": self.matches_pooled_rate,
            "matches_mean_of_area_rates": self.matches_mean_of_area_rates,
            "explanation": explanation,
            "areas": [
                {
                    "number": result.area.number,
                    "name": result.area.name,
                    "published_rate": float(figure.rate),
                    "computed_rate": _json_rate(result.rate),
                    "matches": round_rate(result.rate) == figure.rate,
                }
                for result, figure in self.areas
            ],
        }


@dataclass
class Achievement:
    plan: object
    fiscal_year: int
    rule: Rule
    areas: list
    overall: Counts
    pooled_rate: Fraction | None
    mean_of_area_rates: Fraction | None
    published: PublishedComparison | None
    registered_items: int = 0  # distinct items of the plan, each counted once

    @property
    def plan_item_counts(self):
        """The plan's printed item count beside the number of items registered."""
        return {
            "registered": self.registered_items,
            "in_plan_document": self.plan.published_item_count,
            "in_plan_document_note": self.plan.item_count_note,
        }

    @property
    def fiscal_year_label(self):
        """「令和7年度（2025年度）」: the open data's label, Japanese in every language."""
        with translation.override("ja"):
            return wareki.fiscal_year_label(self.fiscal_year)

    @property
    def has_statuses(self):
        return self.overall.evaluated > 0

    @property
    def is_provisional(self):
        """Some items rated, not all: every rate of the year is 暫定."""
        return self.overall.is_provisional

    @property
    def pooled_rate_percent(self):
        return round_rate(self.pooled_rate)

    @property
    def mean_of_area_rates_percent(self):
        return round_rate(self.mean_of_area_rates)

    def as_dict(self):
        return {
            "plan": self.plan.slug,
            "plan_name": str(self.plan),
            "fiscal_year": self.fiscal_year,
            "fiscal_year_label": self.fiscal_year_label,
            "areas": [area.as_dict() for area in self.areas],
            "overall": {
                **self.overall.as_dict(),
                "evaluated": self.overall.evaluated,
                "pooled_rate": _json_rate(self.pooled_rate),
                "mean_of_area_rates": _json_rate(self.mean_of_area_rates),
                "provisional": self.is_provisional,
            },
            "rule": self.rule.as_dict(),
            "published": self.published.as_dict() if self.published else None,
            "plan_item_counts": self.plan_item_counts,
        }


def _json_rate(rate):
    rounded = round_rate(rate)
    return None if rounded is None else float(rounded)


STATUS_VALUES = tuple(value.value for _name, value in STATUS_FIELDS)


def _counts(total, statuses, year, area_id):
    rated = [statuses.get((year, area_id, value), 0) for value in STATUS_VALUES]
    return Counts(total, *rated, not_evaluated=total - sum(rated))


def compute_achievement(plan, fiscal_year, rule=None):
    """Per-area counts and rates, and the overall rate two ways, for one plan and year."""
    return compute_achievements(plan, [fiscal_year], rule=rule)[fiscal_year]


def compute_achievements(plan, fiscal_years, rule=None):
    """:func:`compute_achievement` for several years of a plan at once: {year: Achievement}.

    The number of queries is the same for one year or many, and for five items or
    fifty thousand: the counts come from the status tallies (actions.tallies), a
    few rows per area and 担当課 that every write keeps current, never from the
    status rows themselves. The rule is the plan's town's (:func:`rule_for`)
    unless given.
    """
    fiscal_years = sorted(set(fiscal_years))
    found = compute_for_plans([(plan, year) for year in fiscal_years], rule=rule)
    return {year: found[(plan.pk, year)] for year in fiscal_years}


def compute_for_plans(plan_years, rule=None):
    """{(plan_id, year): Achievement} of many (plan, fiscal year) pairs, in three queries
    whatever their number: the areas, the tallies and the published figures of them all.

    Each plan's figures are its town's rule's (:func:`rule_for`, from ``plan.town``:
    select it with the plans), unless ``rule`` is given.
    """

    plan_years = list(dict.fromkeys((plan, int(year)) for plan, year in plan_years))
    if not plan_years:
        return {}
    plans = {plan.pk: plan for plan, _year in plan_years}
    years = sorted({year for _plan, year in plan_years})
    areas = {}
    for area in PriorityArea.objects.filter(plan_id__in=plans).order_by("plan_id", "number"):
        area.plan = plans[area.plan_id]
        areas.setdefault(area.plan_id, []).append(area)
    tallied = tallies.by_area_of_plans(list(plans), years)
    figures = {}
    for figure in PublishedFigure.objects.filter(plan_id__in=plans, fiscal_year__in=years).order_by(
        "id"
    ):
        figures.setdefault((figure.plan_id, figure.fiscal_year), []).append(figure)
    rules = rules_of(plans.values(), rule)
    results = {}
    for plan, year in plan_years:
        results[(plan.pk, year)] = _achievement(
            plan,
            year,
            rules[plan.pk],
            areas.get(plan.pk, []),
            tallied.get(plan.pk) or ({}, {}, {}, {}),
            figures.get((plan.pk, year), []),
        )
    return results


def _achievement(plan, year, rule, areas, tallied, figures):
    primary_totals, relisted_totals, primary_statuses, relisted_statuses = tallied
    area_results = []
    overall = Counts()
    for area in areas:
        first = _counts(primary_totals.get(area.pk, 0), primary_statuses, year, area.pk)
        again = _counts(relisted_totals.get(area.pk, 0), relisted_statuses, year, area.pk)
        counts = Counts()
        counts.add(first)
        counts.add(again)
        overall.add(first)
        if rule.count_listings:
            overall.add(again)
        area_results.append(
            AreaAchievement(area=area, counts=counts, rate=counts.rate(rule), relisted=again.total)
        )
    area_rates = [result.rate for result in area_results if result.rate is not None]
    achievement = Achievement(
        plan=plan,
        fiscal_year=year,
        rule=rule,
        areas=area_results,
        overall=overall,
        pooled_rate=overall.rate(rule),
        mean_of_area_rates=(sum(area_rates, Fraction(0)) / len(area_rates) if area_rates else None),
        published=None,
        registered_items=sum(primary_totals.values()),
    )
    achievement.published = _compare_with_published(achievement, figures)
    return achievement


@dataclass
class NationalAchievement:
    """The figures of one 重点取組事項 of the national plan, through a plan's areas linked to it."""

    item: object  # a NationalPlanItem
    areas: list  # the plan's AreaAchievements linked to it
    counts: Counts
    rate: Fraction | None

    @property
    def rate_percent(self):
        return round_rate(self.rate)

    @property
    def rate_display(self):
        return format_rate(self.rate)


def by_national_item(achievement, links):
    """[NationalAchievement] of a year's figures, through the areas' links to the national plan.

    ``links`` is {area_id: [NationalPlanItem]}. An item's counts are the sum of its
    linked areas' counts (再掲 listings included, as each area counts them) and its
    rate is the year's rule over them: the same Counts.rate as every area's.
    """
    found = {}
    for result in achievement.areas:
        for item in links.get(result.area.pk, ()):
            entry = found.get(item.pk)
            if entry is None:
                entry = found[item.pk] = NationalAchievement(item, [], Counts(), None)
            entry.areas.append(result)
            entry.counts.add(result.counts)
    for entry in found.values():
        entry.rate = entry.counts.rate(achievement.rule)
    return list(found.values())


def _compare_with_published(achievement, figures):
    if not figures:
        return None
    by_area = {figure.area_id: figure for figure in figures}
    overall = by_area.get(None)
    comparison = PublishedComparison(
        source=figures[0].source,
        overall=overall,
        note=next((figure.note for figure in figures if figure.note), ""),
        areas=[
            (result, by_area[result.area.pk])
            for result in achievement.areas
            if result.area.pk in by_area
        ],
    )
    if overall is None:
        return comparison
    pooled = achievement.pooled_rate_percent
    mean = achievement.mean_of_area_rates_percent
    comparison.matches_pooled_rate = pooled == overall.rate
    comparison.matches_mean_of_area_rates = mean == overall.rate
    comparison.compared_with = (
        achievement.rule,
        achievement.pooled_rate,
        achievement.mean_of_area_rates,
    )
    return comparison


@dataclass
class SectionAchievement:
    section: object  # a Section, or None for items without one
    counts: Counts
    rate: Fraction | None

    @property
    def name(self):
        return str(self.section) if self.section else _("担当課未設定")

    @property
    def rate_percent(self):
        return round_rate(self.rate)

    @property
    def rate_display(self):
        return format_rate(self.rate)


def compute_by_section(plan, fiscal_year, rule=None):
    """Counts and rate per 担当課 for one plan and year, by the same rule as the areas.

    Each item counts once, under the section that owns it (再掲 listings are an
    area matter); items without a section come last as 「担当課未設定」.
    """
    from plans.models import Section

    rule = rule or rules_of([plan])[plan.pk]
    totals, statuses = tallies.by_section(plan, fiscal_year)
    sections = Section.objects.filter(pk__in=[pk for pk in totals if pk is not None])
    results = []
    for section in [*sections, None]:
        key = section.pk if section else None
        if key not in totals:
            continue
        counts = _counts(totals[key], statuses, fiscal_year, key)
        results.append(SectionAchievement(section=section, counts=counts, rate=counts.rate(rule)))
    return results
