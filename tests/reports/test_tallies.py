"""The status tallies: the figures read from them equal the figures counted from the rows.

The reference here counts every listing of every item from the rows, in
Python, the way the plan's table 3-2 is counted by hand. The engine must give
the same counts, rates, coverage and by-section figures from the tallies, on
random data (再掲 listings, unrated rows, rows without a status, every state),
and every write path must leave the tallies as a fresh count would.
"""

import random
from collections import Counter
from fractions import Fraction

import pytest
from django.db import transaction

from actions import services, tallies
from actions.imports.workbook.importer import WorkbookImport
from actions.imports.workbook.reader import read_upload
from actions.models import (
    ActionItem,
    EvaluationState,
    Status,
    StatusTally,
    YearlyStatus,
)
from actions.tallies import evaluated_years as evaluated_fiscal_years
from plans.versions import data_changed
from reports.achievement import STATUS_FIELDS, Rule, compute_achievements, compute_by_section
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section, make_year, set_statuses
from tests.imports.conftest import STATUS_HEADER, xlsx_bytes

pytestmark = pytest.mark.django_db

YEARS = (2024, 2025, 2026)
STATUSES = [*Status.values, ""]


def _random_plan(seed, item_count=60):
    """Items in three areas and three sections (one: none), 再掲 anywhere, random rows."""
    rng = random.Random(seed)
    plan = make_plan(areas=("区分A", "区分B", "区分C"))
    areas = list(plan.areas.all())
    sections = [make_section(f"課{seed}-1"), make_section(f"課{seed}-2"), None]
    items = []
    for n in range(item_count):
        items += make_items(
            plan, rng.choice(areas), 1, start_number=n + 1, section=rng.choice(sections)
        )
    Listing = ActionItem.relisted_areas.through
    Listing.objects.bulk_create(
        [
            Listing(actionitem=item, priorityarea=area)
            for item in items
            for area in rng.sample(areas, rng.choice([0, 0, 1, 2]))
        ]
    )
    rows = [
        YearlyStatus(
            item=item,
            fiscal_year=year,
            status=rng.choice(STATUSES),
            state=rng.choice(EvaluationState.values),
        )
        for year in YEARS
        for item in items
        if rng.random() < 0.8  # some items have no row at all
    ]
    YearlyStatus.objects.bulk_create(rows)
    data_changed(plan)  # bulk writes send no signal
    return plan


def _reference(plan, year, rule):
    """Per area and overall: (total, {status: n}, rate) counted from the rows, listing by listing."""
    items = list(ActionItem.objects.filter(plan=plan).prefetch_related("relisted_areas"))
    status = dict(
        YearlyStatus.objects.filter(item__plan=plan, fiscal_year=year).values_list(
            "item_id", "status"
        )
    )
    listings = [(item, item.primary_area_id, False) for item in items] + [
        (item, area.pk, True) for item in items for area in item.relisted_areas.all()
    ]
    names = {value.value: name for name, value in STATUS_FIELDS}

    def name(item):
        return names.get(status.get(item.pk), "not_evaluated")

    by_area, overall = {}, Counter()
    for item, area_id, relisted in listings:
        by_area.setdefault(area_id, Counter()).update(["total", name(item)])
        if not relisted or rule.count_listings:
            overall.update(["total", name(item)])
    sections = {}
    for item in items:
        sections.setdefault(item.section_id, Counter()).update(["total", name(item)])
    return by_area, overall, sections


def _as_counter(counts):
    return +Counter(counts.as_dict())


def assert_figures_match_the_rows(plan, rule=None):
    rule = rule or Rule.from_settings()
    results = compute_achievements(plan, YEARS, rule=rule)
    for year in YEARS:
        by_area, overall, sections = _reference(plan, year, rule)
        achievement = results[year]
        for result in achievement.areas:
            expected = by_area.get(result.area.pk, Counter())
            assert _as_counter(result.counts) == +expected, (year, result.area.name)
            assert result.rate == result.counts.rate(rule)
        assert _as_counter(achievement.overall) == +overall, year
        assert achievement.is_provisional == (0 < overall["not_evaluated"] < overall["total"])
        assert achievement.registered_items == ActionItem.objects.filter(plan=plan).count()
        for result in compute_by_section(plan, year, rule=rule):
            key = result.section.pk if result.section else None
            assert _as_counter(result.counts) == +sections[key], (year, result.name)
    rated = set(
        YearlyStatus.objects.filter(item__plan=plan)
        .exclude(status="")
        .values_list("fiscal_year", flat=True)
    )
    assert evaluated_fiscal_years(plan) == rated


def _snapshot(plan):
    return Counter(
        {
            row[:-1]: row[-1]
            for row in StatusTally.objects.filter(plan=plan).values_list(
                "fiscal_year", "area_id", "section_id", "relisted", "status", "state", "count"
            )
        }
    )


def assert_tallies_current(plan):
    """The tallies as the writes left them equal a count from scratch, states included."""
    kept = _snapshot(plan)
    with transaction.atomic():
        tallies.refresh(plan.pk)
        fresh = _snapshot(plan)
        transaction.set_rollback(True)
    assert kept == fresh
    assert_figures_match_the_rows(plan)


@pytest.mark.parametrize("seed", range(6))
def test_the_figures_from_the_tallies_equal_the_figures_counted_from_the_rows(seed):
    plan = _random_plan(seed)
    assert_tallies_current(plan)


@pytest.mark.parametrize(
    "rule",
    [
        Rule(undeterminable_in_denominator=False, partial_weight=Fraction(1), count_listings=True),
        Rule(
            undeterminable_in_denominator=True, partial_weight=Fraction(1, 2), count_listings=False
        ),
    ],
    ids=["without-undeterminable", "distinct-items"],
)
def test_every_rule_gives_the_same_figures_from_the_tallies(rule):
    assert_figures_match_the_rows(_random_plan(7), rule)


def test_the_town_s_seed_figures_come_from_the_tallies(town_data):
    from plans.models import Plan

    plan = Plan.objects.get(slug="nakai-dx-1.0")
    assert_tallies_current(plan)
    (achievement,) = compute_achievements(plan, [2025]).values()
    assert (achievement.overall.total, achievement.overall.achieved) == (30, 14)
    assert str(achievement.pooled_rate_percent) == "60.0"
    assert str(achievement.mean_of_area_rates_percent) == "63.3"


# --- every write path leaves the tallies current -----------------------------------------


@pytest.fixture
def world(db):
    plan = _random_plan(11, item_count=20)
    return {"plan": plan, "admin": make_user("kanri", "admin"), "items": list(plan.items.all())}


def test_a_status_saved_by_the_service_keeps_the_tallies_current(world):
    item = world["items"][0]
    services.record_status(item, 2027, status=Status.ACHIEVED, user=world["admin"])
    services.record_status(
        item, 2026, status=Status.UNDETERMINABLE, comment="資料なし", user=world["admin"]
    )
    assert_tallies_current(world["plan"])
    assert 2027 in evaluated_fiscal_years(world["plan"])


def test_an_import_keeps_the_tallies_current(world):
    slug = world["plan"].slug
    rows = [[slug, item.code, "R8", "一部達成", ""] for item in world["items"][:7]]
    job = WorkbookImport(
        read_upload(xlsx_bytes({"達成状況": [STATUS_HEADER, *rows]}), "t.xlsx"),
        user=world["admin"],
    ).run()
    assert job.ok, job.errors
    assert_tallies_current(world["plan"])


def test_round_moves_keep_the_tallies_current(world):
    plan, admin = world["plan"], world["admin"]
    items = world["items"][:4]
    services.record_statuses(
        [services.StatusEntry(item, 2027, Status.ACHIEVED, "") for item in items], user=admin
    )
    services.submit_items([(item, 2027) for item in items], user=admin)
    assert_tallies_current(plan)
    services.approve_items([(item, 2027) for item in items[:2]], user=admin)
    services.send_back_items([(item, 2027) for item in items[2:]], user=admin, reason="根拠を追記")
    assert_tallies_current(plan)
    approved = StatusTally.objects.filter(plan=plan, fiscal_year=2027, state="approved")
    assert sum(approved.filter(relisted=False).values_list("count", flat=True)) == 2


def test_locking_and_unlocking_a_year_keeps_the_tallies_current(world):
    plan, admin = world["plan"], world["admin"]
    make_year(plan, 2025, "open")
    services.lock_year(plan, 2025, user=admin, reason="確定", expected_gaps=None)
    assert_tallies_current(plan)
    services.unlock_year(plan, 2025, user=admin, reason="訂正のため")
    services.record_status(
        world["items"][1], 2025, status=Status.NOT_ACHIEVED, comment="未着手", user=admin
    )
    assert_tallies_current(plan)


def test_deleting_items_in_the_admin_keeps_the_tallies_current(world):
    plan = world["plan"]
    relisted = ActionItem.objects.filter(plan=plan, relisted_areas__isnull=False).first()
    services.delete_items([relisted, world["items"][-1]], user=world["admin"])
    assert_tallies_current(plan)


def test_saving_an_item_one_by_one_keeps_the_tallies_current(world):
    plan = world["plan"]
    item = world["items"][2]
    item.section = make_section("移管先の課")
    item.primary_area = plan.areas.exclude(pk=item.primary_area_id).first()
    item.save()
    item.relisted_areas.set(plan.areas.all()[:1])
    assert_tallies_current(plan)


def test_a_deleted_section_moves_its_items_to_no_section(world):
    plan = world["plan"]
    section = ActionItem.objects.filter(plan=plan, section__isnull=False).first().section
    section.delete()
    assert_tallies_current(plan)


def test_set_statuses_of_another_plan_leave_this_one_alone(world):
    other = make_plan(areas=("区分A",))
    set_statuses(make_items(other, other.areas.get(), 3), 2025, Status.ACHIEVED)
    assert_tallies_current(world["plan"])
    assert_tallies_current(other)


def test_loaddata_counts_the_tallies_once_at_its_end(town_data):
    from plans.models import Plan

    for plan in Plan.objects.all():
        assert _snapshot(plan), plan
        assert_tallies_current(plan)
