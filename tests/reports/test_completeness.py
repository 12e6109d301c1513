"""What a year's figures rest on: coverage per area, per section and overall, and the gaps."""

import pytest

from actions.models import EvaluationState, YearGaps, YearlyStatus
from plans.models import Plan
from plans.versions import data_changed
from reports.achievement import Counts
from reports.completeness import year_completeness
from tests.factories import make_items, make_plan, make_section

YEAR = 2026
S = EvaluationState


def _row(item, state, status="achieved"):
    return YearlyStatus(item=item, fiscal_year=YEAR, status=status, state=state)


@pytest.fixture
def world(db):
    """Area A: 4 items (one also listed under B), area B: 2 items; two sections."""
    plan = make_plan(areas=("区分A", "区分B"))
    area_a, area_b = plan.areas.all()
    north, south = make_section("北課"), make_section("南課")
    a_items = make_items(plan, area_a, 4, section=north)
    b_items = make_items(plan, area_b, 2, section=south)
    a_items[3].relisted_areas.add(area_b)
    YearlyStatus.objects.bulk_create(
        [
            _row(a_items[0], S.APPROVED),
            _row(a_items[1], S.SUBMITTED, "not_achieved"),
            _row(a_items[3], S.APPROVED, "partially_achieved"),
            _row(b_items[0], S.ENTERED, ""),  # a row without a status: unrated
        ]
    )
    data_changed(plan, [YEAR])  # a bulk write sends no signal
    return {"plan": plan, "a": a_items, "b": b_items, "north": north, "south": south}


def test_coverage_per_area_section_and_overall_comes_from_the_engine(world):
    completeness = year_completeness(world["plan"], YEAR)
    achievement = completeness.achievement
    coverage = {r.area.name: (r.counts.evaluated, r.counts.total) for r in achievement.areas}
    # B: its own two items, both unrated, and A's fourth item listed again (rated).
    assert coverage == {"区分A": (3, 4), "区分B": (1, 3)}
    assert (achievement.overall.evaluated, achievement.overall.total) == (4, 7)
    sections = {
        entry.name: (entry.counts.evaluated, entry.counts.total, entry.not_approved)
        for entry in completeness.sections
    }
    assert sections == {"北課": (3, 4, 2), "南課": (0, 2, 2)}


def test_the_gaps_list_the_items_not_approved_with_their_state(world):
    completeness = year_completeness(world["plan"], YEAR)
    assert completeness.gaps == YearGaps(total=6, not_approved=4, not_evaluated=3)
    listed = [(item.code, item.state_label) for item in completeness.not_approved]
    assert listed == [
        ("2", "提出"),
        ("3", "未入力（未評価）"),
        ("5", "未入力（未評価）"),
        ("6", "未入力（未評価）"),
    ]
    assert completeness.unlisted_not_approved == 0
    assert [r.area.name for r in completeness.unrated_areas] == ["区分A", "区分B"]
    # B's rate rests on one item of three; A's on three of four.
    assert [r.area.name for r in completeness.thin_areas] == ["区分B"]


def test_a_fully_approved_year_has_no_gaps(world):
    YearlyStatus.objects.update(status="achieved", state=S.APPROVED)
    YearlyStatus.objects.bulk_create(
        [_row(item, S.APPROVED) for item in (world["a"][2], world["b"][1])]
    )
    data_changed(world["plan"], [YEAR])  # bulk writes send no signal
    completeness = year_completeness(world["plan"], YEAR)
    assert not completeness.has_gaps
    assert completeness.not_approved == [] and completeness.thin_areas == []
    assert not completeness.achievement.is_provisional


@pytest.mark.parametrize(
    ("evaluated", "total", "provisional", "few"),
    [
        (0, 0, False, False),
        (0, 4, False, True),
        (1, 4, True, True),
        (2, 4, True, False),
        (3, 4, True, False),
        (4, 4, False, False),
        (1, 11, True, True),
    ],
)
def test_a_rate_is_provisional_while_some_items_are_unrated(evaluated, total, provisional, few):
    counts = Counts(total=total, achieved=evaluated, not_evaluated=total - evaluated)
    assert (counts.is_provisional, counts.rests_on_few) == (provisional, few)


def _grow(plan, count):
    area = plan.areas.first()
    items = make_items(plan, area, count, section=make_section())
    YearlyStatus.objects.bulk_create([_row(item, S.SUBMITTED) for item in items[::2]])
    data_changed(plan, [YEAR])  # a bulk write sends no signal


def test_the_read_takes_the_same_queries_at_ten_and_a_thousand_items(
    world, django_assert_num_queries
):
    # Read with its town, as the pages read it (Plan.objects.for_town): its rule costs no query.
    plan = Plan.objects.select_related("town").get(pk=world["plan"].pk)
    # Not approved by section; the engine by section (tallies, sections); the
    # evaluation year; the engine (areas, tallies, published figures); the gaps;
    # the items not approved.
    with django_assert_num_queries(9):
        small = year_completeness(plan, YEAR)
    _grow(plan, 1000)
    with django_assert_num_queries(9):
        large = year_completeness(plan, YEAR)
    assert large.gaps.total == small.gaps.total + 1000
    assert len(large.not_approved) == 200
    assert large.unlisted_not_approved == large.gaps.not_approved - 200


def test_the_lock_and_publish_pages_take_the_same_queries_at_any_size(
    client, world, django_assert_num_queries
):
    from django.urls import reverse

    from tests.actions.staff_users import make_user

    plan = world["plan"]
    client.force_login(make_user("honbu", "manager"))
    pages = [
        reverse(f"actions:{name}", args=[plan.slug, YEAR]) for name in ("lock_year", "publish_year")
    ]
    # session, user, groups, the plan; the completeness read (9).
    for url in pages:
        with django_assert_num_queries(14):
            assert client.get(url).status_code == 200
    _grow(plan, 500)
    for url in pages:
        with django_assert_num_queries(14):
            response = client.get(url)
        assert "承認されていない取組（" in response.content.decode()
