import json
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Status, YearlyStatus
from plans.models import Plan, PublishedFigure
from plans.versions import data_changed
from reports.achievement import (
    Rule,
    compute_achievement,
    compute_achievements,
    format_rate,
    round_rate,
)
from tests.factories import make_items, make_plan, set_statuses

SEED_RATES = {
    "町民サービスの向上": Decimal("87.5"),
    "行政事務の効率化": Decimal("66.7"),
    "セキュリティ対策の徹底": Decimal("100.0"),
    "デジタルデバイド対策": Decimal("50.0"),
    "地域社会のデジタル化": Decimal("12.5"),
}


@pytest.fixture
def plan_one(town_data):
    return Plan.objects.get(slug="nakai-dx-1.0")


def test_the_seed_gives_table_3_2_area_by_area(plan_one):
    achievement = compute_achievement(plan_one, 2025)
    assert {a.area.name: a.rate_percent for a in achievement.areas} == SEED_RATES
    counts = {a.area.name: a.counts.as_dict() for a in achievement.areas}
    assert counts["デジタルデバイド対策"] == {
        "total": 2,
        "achieved": 1,
        "partially_achieved": 0,
        "not_achieved": 0,
        "undeterminable": 1,
        "not_evaluated": 0,
    }
    assert counts["地域社会のデジタル化"]["not_achieved"] == 6


def test_the_seed_overall_rate_is_60_pooled_and_63_3_as_a_mean_of_areas(plan_one):
    achievement = compute_achievement(plan_one, 2025)
    assert achievement.overall.as_dict() == {
        "total": 30,
        "achieved": 14,
        "partially_achieved": 4,
        "not_achieved": 10,
        "undeterminable": 2,
        "not_evaluated": 0,
    }
    assert achievement.pooled_rate == Fraction(18, 30)
    assert achievement.pooled_rate_percent == Decimal("60.0")
    assert achievement.mean_of_area_rates_percent == Decimal("63.3")


def test_it_reports_that_the_published_total_matches_the_mean_not_the_formula(plan_one):
    published = compute_achievement(plan_one, 2025).published
    assert published.overall.rate == Decimal("63.3")
    assert published.matches_pooled_rate is False
    assert published.matches_mean_of_area_rates is True
    assert "60.0%" in published.explanation and "平均" in published.explanation
    assert all(area["matches"] for area in published.as_dict()["areas"])


def test_a_published_area_figure_that_differs_is_flagged(plan_one):
    figure = PublishedFigure.objects.get(plan=plan_one, area__number=1)
    figure.rate = Decimal("85.0")
    figure.save()
    areas = compute_achievement(plan_one, 2025).published.as_dict()["areas"]
    assert [a["matches"] for a in areas] == [False, True, True, True, True]


def test_a_year_without_statuses_has_no_rate_rather_than_zero(plan_one):
    achievement = compute_achievement(plan_one, 2024)
    assert achievement.overall.not_evaluated == 30
    assert achievement.pooled_rate is None
    assert achievement.mean_of_area_rates is None
    assert all(a.rate is None and a.rate_display == "—" for a in achievement.areas)
    assert achievement.has_statuses is False


@pytest.mark.django_db
def test_unevaluated_items_stay_out_of_the_denominator():
    plan = make_plan(areas=("区分A",))
    area = plan.areas.get()
    items = make_items(plan, area, 4)
    set_statuses(items[:1], 2025, Status.ACHIEVED)
    set_statuses(items[1:2], 2025, Status.NOT_ACHIEVED)
    YearlyStatus.objects.create(item=items[2], fiscal_year=2025, status="")  # explicitly blank
    result = compute_achievement(plan, 2025).areas[0]
    assert result.counts.total == 4
    assert result.counts.not_evaluated == 2
    assert result.rate == Fraction(1, 2)


@pytest.mark.django_db
def test_the_mean_of_area_rates_skips_areas_without_a_rate():
    plan = make_plan(areas=("区分A", "区分B", "区分C"))
    a, b, _c = plan.areas.all()
    set_statuses(make_items(plan, a, 2), 2025, Status.ACHIEVED)
    items_b = make_items(plan, b, 2)
    set_statuses(items_b[:1], 2025, Status.NOT_ACHIEVED)
    set_statuses(items_b[1:], 2025, Status.ACHIEVED)
    achievement = compute_achievement(plan, 2025)
    assert [r.rate for r in achievement.areas] == [Fraction(1), Fraction(1, 2), None]
    assert achievement.mean_of_area_rates == Fraction(3, 4)


@pytest.mark.django_db
def test_the_rule_can_leave_undeterminable_out_and_weigh_partial_achievement():
    plan = make_plan(areas=("区分A",))
    area = plan.areas.get()
    items = make_items(plan, area, 4)
    for item, status in zip(
        items,
        [Status.ACHIEVED, Status.PARTIALLY_ACHIEVED, Status.NOT_ACHIEVED, Status.UNDETERMINABLE],
        strict=True,
    ):
        YearlyStatus.objects.create(item=item, fiscal_year=2025, status=status)
    default = compute_achievement(plan, 2025)
    assert default.pooled_rate == Fraction(2, 4)
    strict = Rule(undeterminable_in_denominator=False, partial_weight=Fraction(1, 2))
    achievement = compute_achievement(plan, 2025, rule=strict)
    assert achievement.pooled_rate == Fraction(3, 2) / 3
    assert achievement.rule.formula == "達成度 =（達成＋一部達成×0.5）÷ （取組数－判定不可）"


@pytest.mark.django_db
def test_an_area_of_only_undeterminable_items_has_no_rate_when_they_leave_the_denominator():
    plan = make_plan(areas=("区分A",))
    set_statuses(make_items(plan, plan.areas.get(), 2), 2025, Status.UNDETERMINABLE)
    rule = Rule(undeterminable_in_denominator=False)
    assert compute_achievement(plan, 2025, rule=rule).pooled_rate is None
    assert compute_achievement(plan, 2025).pooled_rate == 0


@pytest.mark.django_db
def test_a_relisted_item_counts_in_both_areas_and_twice_in_the_total_by_default():
    plan = make_plan(areas=("区分A", "区分B"))
    a, b = plan.areas.all()
    items = make_items(plan, a, 3)
    set_statuses(items, 2025, Status.ACHIEVED)
    items[0].relisted_areas.add(b)
    make_items(plan, b, 1)
    achievement = compute_achievement(plan, 2025)
    area_a, area_b = achievement.areas
    assert (area_a.counts.total, area_b.counts.total) == (3, 2)
    assert area_b.relisted == 1
    assert (area_b.counts.achieved, area_b.counts.not_evaluated) == (1, 1)
    assert achievement.overall.total == 5
    assert "再掲分を含めて" in " ".join(achievement.rule.notes)

    distinct = compute_achievement(plan, 2025, rule=Rule(count_listings=False))
    assert distinct.overall.total == 4
    assert distinct.areas[1].counts.total == 2


@pytest.mark.django_db
def test_statuses_of_other_years_and_plans_do_not_leak_in():
    plan = make_plan(areas=("区分A",))
    other = make_plan(areas=("区分A",))
    items = make_items(plan, plan.areas.get(), 2)
    set_statuses(items, 2024, Status.ACHIEVED)
    set_statuses(make_items(other, other.areas.get(), 2), 2025, Status.ACHIEVED)
    achievement = compute_achievement(plan, 2025)
    assert achievement.overall.total == 2
    assert achievement.overall.not_evaluated == 2


def with_town(plan):
    """The plan read with its town, as the pages read their plans: the town's rule costs no query."""
    return Plan.objects.select_related("town").get(pk=plan.pk)


def _queries_for(plan, year):
    plan = with_town(plan)
    with CaptureQueriesContext(connection) as queries:
        compute_achievement(plan, year)
    return len(queries)


@pytest.mark.django_db
def test_the_engine_runs_the_same_number_of_queries_for_5_and_5000_items():
    small = make_plan(areas=("区分A", "区分B"))
    set_statuses(make_items(small, small.areas.first(), 5), 2025, Status.ACHIEVED)
    large = make_plan(areas=("区分A", "区分B"))
    a, b = large.areas.all()
    items = make_items(large, a, 2500) + make_items(large, b, 2500)
    set_statuses(items[::2], 2025, Status.PARTIALLY_ACHIEVED)
    Listing = type(items[0]).relisted_areas.through
    Listing.objects.bulk_create([Listing(actionitem=i, priorityarea=b) for i in items[:100]])
    data_changed(large)  # a bulk write sends no signal
    small_queries = _queries_for(small, 2025)
    # The areas, the tallies and the published figures.
    assert small_queries == 3
    assert _queries_for(large, 2025) == small_queries
    assert compute_achievement(large, 2025).overall.total == 5100


@pytest.mark.django_db
def test_several_years_cost_the_same_queries_as_one_and_give_the_same_figures():
    plan = make_plan(areas=("区分A", "区分B"))
    a, b = plan.areas.all()
    items = make_items(plan, a, 6) + make_items(plan, b, 4)
    items[0].relisted_areas.add(b)
    for year, status in zip(range(2023, 2028), Status.values + [Status.ACHIEVED], strict=True):
        set_statuses(items[: year - 2020], year, status)
    plan = with_town(plan)
    with CaptureQueriesContext(connection) as one:
        compute_achievements(plan, [2025])
    with CaptureQueriesContext(connection) as five:
        several = compute_achievements(plan, range(2023, 2028))
    assert len(one) == len(five)
    for year in range(2023, 2028):
        assert several[year].as_dict() == compute_achievement(plan, year).as_dict()
    assert several[2027].areas[1].counts.achieved == 2  # one of its own and the 再掲 item


@pytest.mark.parametrize(
    ("rate", "shown"),
    [
        (Fraction(2, 3), "66.7%"),
        (Fraction(7, 8), "87.5%"),
        (Fraction(1, 8), "12.5%"),
        (Fraction(1, 1), "100.0%"),
        (Fraction(0), "0.0%"),
        (Fraction(1, 16), "6.3%"),  # 6.25 rounds half-up, not to even
        (None, "—"),
    ],
)
def test_rates_round_half_up_to_one_decimal(rate, shown):
    assert format_rate(rate) == shown


def test_round_rate_gives_a_decimal():
    assert round_rate(Fraction(5, 8)) == Decimal("62.5")


def test_the_command_prints_the_seed_figures_as_json(plan_one, capsys):
    call_command("achievement", plan="nakai-dx-1.0", year="2025", format="json")
    document = json.loads(capsys.readouterr().out)
    assert document["plan"] == "nakai-dx-1.0"
    assert document["fiscal_year"] == 2025
    assert document["fiscal_year_label"] == "令和7年度（2025年度）"
    assert [a["rate"] for a in document["areas"]] == [87.5, 66.7, 100.0, 50.0, 12.5]
    assert document["overall"]["pooled_rate"] == 60.0
    assert document["overall"]["mean_of_area_rates"] == 63.3
    assert document["overall"]["total"] == 30
    assert document["rule"]["formula"] == "達成度 =（達成＋一部達成）÷ 取組数"
    assert document["published"]["overall_rate"] == 63.3
    assert document["published"]["matches_mean_of_area_rates"] is True


def test_the_command_accepts_an_era_year_and_prints_a_table(plan_one, capsys):
    call_command("achievement", plan="nakai-dx-1.0", year="令和7年度")
    out = capsys.readouterr().out
    assert "令和7年度（2025年度）" in out
    assert "87.5%" in out and "60.0%" in out and "63.3%" in out


def test_the_command_refuses_an_unknown_plan(plan_one):
    with pytest.raises(CommandError, match="登録されていません"):
        call_command("achievement", plan="nakai-dx-9.9", year="2025")


def test_the_command_refuses_a_year_outside_the_plan_period(plan_one):
    with pytest.raises(CommandError, match="計画期間"):
        call_command("achievement", plan="nakai-dx-1.0", year="2030")


def test_a_year_inside_the_period_without_statuses_is_all_unevaluated(town_data, capsys):
    call_command("achievement", plan="nakai-dx-2.0", year="2026", format="json")
    document = json.loads(capsys.readouterr().out)
    assert document["overall"]["not_evaluated"] == document["overall"]["total"] == 11
    assert document["overall"]["pooled_rate"] is None
    assert document["published"] is None


@pytest.mark.django_db
def test_figures_by_section_use_the_same_rule_and_count_each_item_once():
    from reports.achievement import compute_by_section
    from tests.factories import make_section

    plan = make_plan(areas=("区分A", "区分B"))
    a, b = plan.areas.all()
    kikaku, somu = make_section("企画課"), make_section("総務課")
    own = make_items(plan, a, 3, section=kikaku)
    set_statuses(own[:2], 2025, Status.ACHIEVED)
    set_statuses(own[2:], 2025, Status.UNDETERMINABLE)
    own[0].relisted_areas.add(b)
    set_statuses(make_items(plan, b, 2, section=somu), 2025, Status.NOT_ACHIEVED)
    make_items(plan, b, 1)
    plan = with_town(plan)
    with CaptureQueriesContext(connection) as queries:
        results = compute_by_section(plan, 2025)
    assert len(queries) == 2  # the tallies and the sections
    assert [(r.name, r.counts.total, r.rate_display) for r in results] == [
        ("企画課", 3, "66.7%"),
        ("総務課", 2, "0.0%"),
        ("担当課未設定", 1, "—"),
    ]
    strict = compute_by_section(plan, 2025, rule=Rule(undeterminable_in_denominator=False))
    assert strict[0].rate == 1


def test_the_town_data_has_all_items_without_a_section(plan_one):
    from reports.achievement import compute_by_section

    (only,) = compute_by_section(plan_one, 2025)
    assert (only.section, only.counts.total, only.rate_percent) == (None, 30, Decimal("60.0"))
