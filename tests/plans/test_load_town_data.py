"""manage.py load_town_data loads the fixture into its own town, whatever keys exist.

The fixture names the town 1 and its plans 1 and 2; here those keys may already
belong to another town (added first with add_town) and its plans, which must stay
as they are.
"""

import io
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from actions.models import ActionItem, YearlyStatus
from plans.models import NationalPlanItem, Plan, PriorityArea, Town, TownHost
from reports.achievement import compute_achievement
from tests.factories import make_plan

pytestmark = pytest.mark.django_db


def load(*args):
    out = io.StringIO()
    call_command("load_town_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def sapporo_first(the_town):
    """A deployment whose first town (key 1) is 札幌市, with a plan under key 1."""
    the_town.delete()
    sapporo = Town.objects.create(pk=1, code="011002", name="札幌市", prefecture="北海道")
    TownHost.objects.create(town=sapporo, host="sapporo.localhost")
    plan = make_plan(slug="nakai-dx-1.0", name="札幌市DX計画", town=sapporo, pk=1)
    return sapporo, plan


def test_it_loads_into_a_new_town_beside_the_one_holding_the_fixtures_keys(sapporo_first):
    sapporo, theirs = sapporo_first
    output = load()
    assert "中井町（143618）のデータを読み込みました（計画 2 件）" in output
    nakai = Town.objects.get(code="143618")
    assert nakai.pk != 1 and nakai.name == "中井町" and nakai.office == "企画課 デジタル推進班"
    # 札幌市 and its plan (same key, same slug as 中井町's) are as they were.
    sapporo.refresh_from_db()
    assert (sapporo.name, Plan.objects.get(pk=1).name) == ("札幌市", "札幌市DX計画")
    assert list(Plan.objects.for_town(sapporo)) == [theirs]
    plans = Plan.objects.for_town(nakai)
    assert sorted(plans.values_list("slug", flat=True)) == ["nakai-dx-1.0", "nakai-dx-2.0"]
    revision = plans.get(slug="nakai-dx-2.0")
    assert revision.revises == plans.get(slug="nakai-dx-1.0")  # references follow the new keys
    assert ActionItem.objects.filter(plan__town=nakai).count() == 30 + 11
    assert YearlyStatus.objects.filter(item__plan__town=nakai).count() == 30
    assert not ActionItem.objects.filter(plan=theirs).exists()


def test_the_loaded_town_has_its_figures_and_links(sapporo_first):
    load()
    plan = Plan.objects.get(town__code="143618", slug="nakai-dx-1.0")
    achievement = compute_achievement(plan, 2025)  # the tallies were counted on loading
    assert achievement.pooled_rate == Fraction(18, 30)
    assert achievement.published.overall.rate == Decimal("63.3")
    area = PriorityArea.objects.get(plan__town__code="143618", plan__slug="nakai-dx-2.0", number=1)
    assert [i.name for i in area.national_items.all()] == ["フロントヤード改革", "eL-QR対応"]


def test_the_national_plans_items_are_shared_not_copied(sapporo_first):
    NationalPlanItem.objects.create(name="フロントヤード改革")  # there before, e.g. by hand
    load()
    assert NationalPlanItem.objects.filter(name="フロントヤード改革").count() == 1
    assert NationalPlanItem.objects.count() == 9


def test_a_town_added_first_keeps_its_host_and_gets_the_data(the_town):
    the_town.delete()
    call_command(
        "add_town",
        *("--code", "143618", "--name", "中井町", "--prefecture", "神奈川県"),
        *("--host", "nakai.localhost"),
        stdout=io.StringIO(),
    )
    load()
    town = Town.objects.get(code="143618")
    assert list(town.hosts.values_list("host", flat=True)) == ["nakai.localhost"]
    assert town.office == "企画課 デジタル推進班"  # blank before: filled from the fixture
    assert Plan.objects.for_town(town).count() == 2


def test_a_town_that_has_plans_is_not_loaded_twice(the_town):
    load()
    before = (Plan.objects.count(), ActionItem.objects.count())
    assert "読み込みを省略しました" in load("--if-empty")
    with pytest.raises(CommandError, match="計画が登録済みのため、読み込みませんでした"):
        load()
    assert (Plan.objects.count(), ActionItem.objects.count()) == before


def test_with_an_empty_deployment_it_adds_the_town(the_town):
    the_town.delete()
    load()
    assert Town.objects.get().code == "143618"
