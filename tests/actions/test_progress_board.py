"""The progress board (進捗状況): right with 100 sections and 2,000 items, constant queries."""

import datetime
import random
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionItem, EvaluationState, EvaluationYear, YearlyStatus
from actions.round import progress
from plans.models import PriorityArea, Section
from tests.actions.staff_users import make_user
from tests.factories import make_plan

S = EvaluationState
YEAR = 2026
TODAY = datetime.date(2027, 6, 1)
BOARD_QUERIES = 10


def _town(sections, items, seed=8):
    """A plan with ``items`` spread over ``sections``, six areas, some 再掲, random states.

    Returns the plan and, per item, (section pk or None, primary area pk,
    re-listed area pks, the state it should count as).
    """
    rng = random.Random(seed)
    plan = make_plan(areas=[f"区分{n}" for n in range(1, 7)])
    areas = list(PriorityArea.objects.filter(plan=plan).order_by("number"))
    created = Section.objects.bulk_create(
        [Section(name=f"{plan.slug} 第{n:03d}課") for n in range(sections)]
    )
    objects = []
    for n in range(items):
        section = None if n % 97 == 0 else created[rng.randrange(sections)]
        objects.append(
            ActionItem(
                plan=plan,
                code=str(n + 1),
                title=f"取組{n + 1}",
                primary_area=rng.choice(areas),
                section=section,
            )
        )
    for item in objects:
        item.fill_code_keys()
    objects = ActionItem.objects.bulk_create(objects)
    Listing = ActionItem.relisted_areas.through
    relisted, statuses, facts = [], [], []
    for item in objects:
        again = [
            area.pk
            for area in rng.sample(areas, 2)
            if area.pk != item.primary_area_id and rng.random() < 0.1
        ]
        relisted += [Listing(actionitem_id=item.pk, priorityarea_id=pk) for pk in again]
        kind = rng.choice(["none", "blank", *S.values])
        if kind == "none":
            expected = S.NOT_ENTERED
        elif kind == "blank":  # a row with a note but no status is still 未入力
            statuses.append(
                YearlyStatus(
                    item=item, fiscal_year=YEAR, status="", comment="メモ", state=S.ENTERED
                )
            )
            expected = S.NOT_ENTERED
        else:
            statuses.append(
                YearlyStatus(item=item, fiscal_year=YEAR, status="achieved", state=kind)
            )
            expected = S.NOT_ENTERED if kind == S.NOT_ENTERED else S(kind)
        # Another year's row never counts.
        statuses.append(
            YearlyStatus(item=item, fiscal_year=YEAR + 1, status="achieved", state=S.APPROVED)
        )
        facts.append((item.section_id, item.primary_area_id, again, expected))
    Listing.objects.bulk_create(relisted)
    YearlyStatus.objects.bulk_create(statuses, batch_size=500)
    return plan, facts


def _expected(facts):
    by_section, by_area, total = {}, {}, Counter()
    for section, area, again, state in facts:
        by_section.setdefault(section or progress.NO_SECTION, Counter())[state] += 1
        for pk in [area, *again]:
            by_area.setdefault(pk, Counter())[state] += 1
        total[state] += 1
    return by_section, by_area, total


def _as_counter(row):
    return Counter({state: n for state, n in row.counts.items() if n})


@pytest.mark.django_db
def test_the_board_counts_100_sections_and_2000_items_right():
    plan, facts = _town(100, 2000)
    evaluation = EvaluationYear.objects.update_or_create(
        plan=plan, fiscal_year=YEAR, defaults={"deadline": TODAY - datetime.timedelta(days=1)}
    )[0]
    board = progress.progress_board(plan, YEAR, evaluation, today=TODAY)
    by_section, by_area, total = _expected(facts)

    assert _as_counter(board.total) == total and board.total.total == 2000
    assert {row.key: _as_counter(row) for row in board.sections} == by_section
    assert {row.key: _as_counter(row) for row in board.areas} == {
        area.pk: by_area.get(area.pk, Counter()) for area in plan.areas.all()
    }
    assert len(board.sections) == len(by_section)
    # The deadline has passed: a section with anything still at its staff is overdue.
    for row in board.sections:
        waiting = sum(by_section[row.key][s] for s in (S.NOT_ENTERED, S.ENTERED, S.RETURNED))
        assert row.overdue == (waiting > 0)
    assert board.days_left == -1
    assert board.deadline_text.endswith("を1日過ぎています")


@pytest.mark.django_db
def test_a_section_all_approved_reaches_100_percent_and_is_not_overdue():
    plan, _facts = _town(3, 0)
    section = Section.objects.first()
    items = [
        ActionItem(plan=plan, code=str(n), title=f"取組{n}", primary_area=plan.areas.first())
        for n in (1, 2)
    ]
    for item in items:
        item.section = section
        item.fill_code_keys()
    items = ActionItem.objects.bulk_create(items)
    YearlyStatus.objects.bulk_create(
        [YearlyStatus(item=i, fiscal_year=YEAR, status="achieved", state=S.APPROVED) for i in items]
    )
    evaluation = EvaluationYear.objects.update_or_create(
        plan=plan, fiscal_year=YEAR, defaults={"deadline": TODAY}
    )[0]
    board = progress.progress_board(plan, YEAR, evaluation, today=TODAY + datetime.timedelta(3))
    (row,) = board.sections
    assert (row.percent, row.overdue, board.total.percent) == (100.0, False, 100.0)


def _board_queries(client, user, plan):
    user.__dict__.pop("_role_names", None)
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("actions:progress"), {"plan": plan.slug, "year": YEAR})
    assert response.status_code == 200
    return [query["sql"] for query in queries], response


@pytest.mark.django_db
def test_the_board_takes_the_same_queries_for_10_and_1000_items(client):
    small, _ = _town(5, 10, seed=1)
    large, _ = _town(60, 1000, seed=2)
    for plan in (small, large):
        EvaluationYear.objects.update_or_create(
            plan=plan,
            fiscal_year=YEAR,
            defaults={"deadline": TODAY, "round_opened_at": timezone.now()},
        )[0]
    manager = make_user("manager", "manager")
    few, response = _board_queries(client, manager, small)
    many, response = _board_queries(client, manager, large)
    # Session, user, the town, roles, plans, the year, two grouped counts, section names, areas.
    assert len(few) == len(many) == BOARD_QUERIES, "\n".join(many)
    assert response.context["board"].total.total == 1000


@pytest.mark.django_db
def test_the_item_list_takes_the_same_queries_for_10_and_1000_items(client):
    small, _ = _town(5, 10, seed=3)
    large, _ = _town(60, 1000, seed=4)
    manager = make_user("manager", "manager")
    counts = []
    for plan in (small, large):
        manager.__dict__.pop("_role_names", None)
        client.force_login(manager)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(
                reverse("actions:progress_items"), {"plan": plan.slug, "year": YEAR}
            )
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_a_section_head_sees_only_their_sections(client):
    plan, facts = _town(10, 200, seed=5)
    mine = Section.objects.order_by("name")[:2]
    head = make_user("head", "section_head", list(mine))
    client.force_login(head)
    board = client.get(reverse("actions:progress"), {"plan": plan.slug, "year": YEAR}).context[
        "board"
    ]
    assert {row.key for row in board.sections} == {section.pk for section in mine}
    expected = Counter(
        state for section, _area, _again, state in facts if section in {s.pk for s in mine}
    )
    assert _as_counter(board.total) == expected
