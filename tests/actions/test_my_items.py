"""「担当の取組」: a staff member's items with the year's status, missing ones first."""

import datetime

import pytest
from django.urls import reverse

from actions import services
from actions.models import EvaluationYear
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section


@pytest.fixture
def world(db):
    plan = make_plan()
    own, other = make_section("担当課A"), make_section("担当課B")
    area = plan.areas.first()
    own_items = make_items(plan, area, 3, section=own)
    other_items = make_items(plan, area, 2, section=other)
    staff = make_user("staff", "staff", [own])
    return {
        "plan": plan,
        "own": own,
        "own_items": own_items,
        "other_items": other_items,
        "staff": staff,
        "area": area,
    }


def _get(client, **params):
    return client.get(reverse("actions:my_items"), params)


def test_staff_see_only_their_sections_items_missing_ones_first(client, world):
    first, second, third = world["own_items"]
    services.record_status(first, 2026, status="achieved")
    client.force_login(world["staff"])
    response = _get(client, plan=world["plan"].slug, year=2026)
    codes = [row["item"].code for row in response.context["rows"]]
    assert codes == [second.code, third.code, first.code]
    assert response.context["missing_count"] == 2
    assert world["other_items"][0].title not in response.text
    assert "未評価 2件" in response.text


def test_managers_see_every_section_without_edit_links(client, world):
    client.force_login(make_user("manager", "manager"))
    response = _get(client, plan=world["plan"].slug, year=2026)
    assert len(response.context["rows"]) == 5
    assert not any(row["can_edit"] for row in response.context["rows"])


def test_the_year_defaults_to_the_current_fiscal_year_within_the_plan(client, world, monkeypatch):
    client.force_login(world["staff"])
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *a, **k: datetime.date(2027, 3, 31)
    )
    assert _get(client, plan=world["plan"].slug).context["year"] == 2026
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *a, **k: datetime.date(2035, 6, 1)
    )
    assert _get(client, plan=world["plan"].slug).context["year"] == world["plan"].last_fiscal_year


def test_a_year_outside_the_plan_falls_back_to_the_current_year(client, world):
    client.force_login(world["staff"])
    response = _get(client, plan=world["plan"].slug, year="abc")
    assert world["plan"].covers_fiscal_year(response.context["year"])


def test_a_locked_year_says_so_and_offers_no_edit_links(client, world):
    EvaluationYear.objects.update_or_create(
        plan=world["plan"], fiscal_year=2026, defaults={"is_locked": True}
    )[0]
    client.force_login(world["staff"])
    response = _get(client, plan=world["plan"].slug, year=2026)
    assert "確定済みです" in response.text
    assert not any(row["can_edit"] for row in response.context["rows"])


def test_staff_without_a_section_are_told_whom_to_ask(client, world):
    client.force_login(make_user("newcomer", "staff"))
    response = _get(client, plan=world["plan"].slug)
    assert "所属する担当課が登録されていません" in response.text


def test_the_login_redirect_lands_staff_here(client, world):
    client.force_login(world["staff"])
    response = client.get(reverse("actions:landing"))
    assert response["Location"] == reverse("actions:my_items")


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_the_login_redirect_lands_managers_and_admins_on_the_progress_board(client, world, role):
    client.force_login(make_user(f"lead-{role}", role))
    response = client.get(reverse("actions:landing"))
    assert response["Location"] == reverse("actions:progress")


@pytest.mark.parametrize("count", [10, 100])
def test_the_query_count_does_not_grow_with_the_items(
    client, world, count, django_assert_num_queries
):
    items = make_items(world["plan"], world["area"], count, section=world["own"])
    for item in items[::3]:
        services.record_status(item, 2026, status="achieved")
    client.force_login(world["staff"])
    # session, user, groups, staff profile, sections, plans, items, statuses, year state,
    # open rounds (the deadline notice; one more per open round, whatever the items)
    with django_assert_num_queries(11):
        response = _get(client, plan=world["plan"].slug, year=2026)
    assert len(response.context["rows"]) == count + 3
