"""Each town's own achievement rule: the deployment's (settings.ACHIEVEMENT_RULE) unless the
town sets its own (plans.Town), for every figure of that town and no other's.

Two towns with the same statuses (達成, 一部達成, 判定不可, 未達成 in one area): 札幌市
counts 一部達成 as a quarter and leaves 判定不可 out of the denominator.
"""

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import call_command

from actions.models import Status
from plans.models import Plan, Town, TownHost
from reports import cache
from reports.achievement import Rule, compute_achievement, rule_for
from tests.factories import make_items, make_plan, make_year, set_statuses
from tests.html_tables import table

STATUSES = [Status.ACHIEVED, Status.PARTIALLY_ACHIEVED, Status.UNDETERMINABLE, Status.NOT_ACHIEVED]
NAKAI, SAPPORO = "nakai.localhost", "sapporo.localhost"


def town_plan(town):
    plan = make_plan(slug="dx-1.0", areas=("区分A",), town=town)
    area = plan.areas.get()
    for status in STATUSES:
        set_statuses(make_items(plan, area, 1), 2025, status)
    make_year(plan, 2025, "published")
    return Plan.objects.select_related("town").get(pk=plan.pk)


@pytest.fixture
def towns(db, the_town, settings):
    settings.ALLOWED_HOSTS = [".localhost", "testserver"]
    TownHost.objects.create(town=the_town, host=NAKAI)
    sapporo = Town.objects.create(
        code="011002",
        name="札幌市",
        prefecture="北海道",
        partial_weight=Decimal("0.25"),
        undeterminable_in_denominator=False,
    )
    TownHost.objects.create(town=sapporo, host=SAPPORO)
    return {
        "nakai": the_town,
        "sapporo": sapporo,
        "nakai_plan": town_plan(the_town),
        "sapporo_plan": town_plan(sapporo),
    }


def test_a_town_without_its_own_rule_has_the_deployments(db, the_town, settings):
    assert rule_for(the_town) == rule_for(None) == Rule()
    settings.ACHIEVEMENT_RULE = {"PARTIAL_WEIGHT": "0.5", "COUNT_LISTINGS": False}
    assert rule_for(the_town) == Rule(partial_weight=Fraction(1, 2), count_listings=False)


def test_a_towns_own_settings_override_the_deployments_one_by_one(db, the_town, settings):
    settings.ACHIEVEMENT_RULE = {"PARTIAL_WEIGHT": "0.5"}
    the_town.count_listings = False
    assert rule_for(the_town) == Rule(partial_weight=Fraction(1, 2), count_listings=False)
    the_town.partial_weight = Decimal("1.000")
    the_town.undeterminable_in_denominator = False
    assert rule_for(the_town) == Rule(
        undeterminable_in_denominator=False, partial_weight=Fraction(1), count_listings=False
    )


def test_the_engine_rates_each_town_by_its_own_rule(towns):
    nakai = compute_achievement(towns["nakai_plan"], 2025)
    sapporo = compute_achievement(towns["sapporo_plan"], 2025)
    assert nakai.pooled_rate == Fraction(2, 4)  # (1 + 1) / 4
    assert sapporo.pooled_rate == Fraction(5, 12)  # (1 + 0.25) / (4 − 1)
    assert sapporo.rule.formula == "達成度 =（達成＋一部達成×0.25）÷ （取組数－判定不可）"


def test_each_towns_dashboard_and_open_data_use_its_rule(client, towns):
    for host, rate, formula in (
        (NAKAI, "50.0%", "達成度 =（達成＋一部達成）÷ 取組数"),
        (SAPPORO, "41.7%", "達成度 =（達成＋一部達成×0.25）÷ （取組数－判定不可）"),
    ):
        html = client.get("/?plan=dx-1.0&year=2025", HTTP_HOST=host).content.decode()
        areas = table(html, "重点施策区分ごとの取組数と達成度")
        assert areas.row("合計（全取組を合算した達成度）", "foot")["達成度"] == rate
        assert formula in html
        document = json.loads(
            client.get("/opendata/achievement.json?plan=dx-1.0&year=2025", HTTP_HOST=host).content
        )
        assert document["rule"]["formula"] == formula


def test_changing_a_towns_rule_changes_its_cached_figures(client, towns):
    sapporo, plan = towns["sapporo"], towns["sapporo_plan"]
    assert cache.achievement(plan, 2025).pooled_rate == Fraction(5, 12)
    assert "41.7%" in client.get("/towns/").content.decode()
    sapporo.partial_weight = None  # back to the deployment's 1, 判定不可 still left out
    sapporo.save()
    plan = Plan.objects.select_related("town").get(pk=plan.pk)
    assert cache.achievement(plan, 2025).pooled_rate == Fraction(2, 3)
    found = table(client.get("/towns/").content.decode(), "団体ごとの達成度")
    row = next(cells for cells in found.body if "札幌市" in cells[0])
    assert "66.7%" in row


def test_the_achievement_command_uses_the_towns_rule(towns, capsys):
    call_command("achievement", "--town", "011002", "--plan", "dx-1.0", "--year", "2025")
    out = capsys.readouterr().out
    assert "一部達成×0.25" in out
    assert "全体（合算）: 41.7%" in out


def test_the_api_uses_the_towns_rule(client, towns):
    found = client.get("/api/v1/plans/dx-1.0/years/2025/achievement", HTTP_HOST=SAPPORO)
    assert found.status_code == 200
    assert found.json()["rule"]["partial_weight"] == 0.25
