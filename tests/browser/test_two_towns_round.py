"""Two towns on one deployment, each on its own host name, walk record → submit → approve.

中井町 (nakai.localhost) and a second town (other.localhost) share the live server.
Each town's staff sign in on their own town's host, record and submit their
item; each town's 課長 approves it. Nobody sees the other town's item, and an
account of one town cannot sign in on the other's host.
"""

import datetime
import re

import pytest
from django.utils import timezone

from actions import services
from actions.accounts.signin import OTHER_TOWN
from actions.models import EvaluationState, StaffProfile, YearlyStatus
from plans.models import Section, Town, TownHost
from tests.actions.staff_users import make_user
from tests.browser.conftest import run_axe
from tests.browser.people import Person
from tests.factories import make_items, make_plan

YEAR = 2026
PASSWORD = "two-towns-browser-2026"
HOSTS = {"nakai": "nakai.localhost", "other": "other.localhost"}


def town_user(username, role, town, section):
    user = make_user(username, role, password=PASSWORD)
    profile, _ = StaffProfile.objects.update_or_create(user=user, defaults={"town": town})
    profile.sections.set([section])
    return user


@pytest.fixture
def towns(live_server, the_town, settings):
    settings.ALLOWED_HOSTS = [".localhost", "localhost", "127.0.0.1"]
    other = Town.objects.create(code="011002", name="札幌市", prefecture="北海道")
    world = {}
    for key, town in (("nakai", the_town), ("other", other)):
        TownHost.objects.create(town=town, host=HOSTS[key])
        plan = make_plan(slug="dx-1.0", name=f"{town.name}DX推進計画", town=town)
        section = Section.objects.create(town=town, name="企画課")
        [item] = make_items(plan, plan.areas.first(), 1, section=section)
        item.title = f"{town.name}の窓口オンライン化"
        item.save(update_fields=["title"])
        manager = town_user(f"{key}-honbu", "manager", town, section)
        services.open_round(
            plan, YEAR, deadline=timezone.localdate() + datetime.timedelta(days=14), user=manager
        )
        world[key] = {
            "town": town,
            "item": item,
            "staff": town_user(f"{key}-shokuin", "staff", town, section),
            "head": town_user(f"{key}-kacho", "section_head", town, section),
        }
    return world


def _state(item):
    return YearlyStatus.objects.get(item=item, fiscal_year=YEAR).state


def _walk(browser, live_server, mine, theirs, host):
    item, other_item = mine["item"], theirs["item"]

    # The staff member records and submits the town's item, and sees no other town's.
    staff = Person(browser, live_server, mine["staff"], PASSWORD, host)
    page = staff.page
    staff.go("/staff/items/")
    main = page.locator("main").inner_text()
    assert item.title in main and other_item.title not in main
    assert mine["town"].name in page.locator("header").inner_text()
    page.get_by_role("link", name=re.compile(rf"記録する\s*（{re.escape(item.title)}）")).click()
    page.get_by_label("達成", exact=True).check()
    page.get_by_label("備考（公開）").fill("窓口で運用を始めました。")
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url("**/staff/items/?*")
    assert "評価を保存しました" in staff.message()
    page.get_by_role("button", name=re.compile(rf"提出する\s*（{re.escape(item.title)}）")).click()
    page.wait_for_url("**/staff/items/?*")
    assert f"「{item.title}」を提出しました。" in staff.message()
    assert run_axe(page) == []
    staff.close()
    assert _state(item) == EvaluationState.SUBMITTED

    # The 課長 sees only the town's item waiting, and approves it.
    head = Person(browser, live_server, mine["head"], PASSWORD, host)
    page = head.page
    head.go("/staff/approvals/")
    main = page.locator("main").inner_text()
    assert item.title in main and other_item.title not in main
    page.get_by_role("button", name=re.compile(rf"承認する\s*（{re.escape(item.title)}）")).click()
    assert f"「{item.title}」を承認しました。" in head.message()
    head.close()
    assert _state(item) == EvaluationState.APPROVED


def test_each_towns_staff_and_head_walk_the_round_on_their_own_host(browser, live_server, towns):
    nakai, other = towns["nakai"], towns["other"]
    _walk(browser, live_server, nakai, other, HOSTS["nakai"])
    # The other town's item is untouched by 中井町's round …
    assert _state(nakai["item"]) == EvaluationState.APPROVED
    assert not YearlyStatus.objects.filter(item=other["item"]).exists()
    # … and walks its own on its own host.
    _walk(browser, live_server, other, nakai, HOSTS["other"])
    assert _state(other["item"]) == EvaluationState.APPROVED


def test_an_account_of_one_town_is_refused_on_the_other_towns_host(browser, live_server, towns):
    head = Person(browser, live_server, towns["other"]["head"], PASSWORD, HOSTS["nakai"])
    page = head.page
    assert OTHER_TOWN in page.locator("main").inner_text()
    head.go("/staff/approvals/")
    assert "/accounts/login/" in page.url  # no session on this host
    head.close()
