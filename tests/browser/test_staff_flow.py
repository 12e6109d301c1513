"""A staff member signs in, records a status on 担当の取組, and the dashboard changes."""

import re

import pytest

from actions import services
from actions.models import ActionItem
from plans.versions import data_changed
from tests.actions.staff_users import make_user
from tests.browser.conftest import run_axe
from tests.factories import make_section

PLAN = "nakai-dx-2.0"
YEAR = 2026
PASSWORD = "yamada-browser-test-2026"


@pytest.fixture
def staff_world(live_town_data):
    section = make_section("ブラウザテスト課")
    first, second = ActionItem.objects.filter(plan__slug=PLAN)[:2]
    ActionItem.objects.filter(pk__in=[first.pk, second.pk]).update(section=section)
    data_changed(first.plan_id)  # a bulk update sends no signal
    first.refresh_from_db()
    second.refresh_from_db()
    staff = make_user("yamada", "staff", [section], password=PASSWORD)
    # One status already recorded, so the draft year shows on the dashboard.
    services.record_status(second, YEAR, status="not_achieved", comment="準備中", user=staff)
    return {"item": first, "staff": staff}


def _area_row(page, live_server, item):
    page.goto(f"{live_server.url}/?plan={PLAN}&year={YEAR}")
    row = page.locator(f'tr:has(th a[href^="{item.primary_area.get_absolute_url()}"])').first
    total, achieved, *_rest, rate = row.locator("td").all_inner_texts()[:7]
    return {"total": total, "achieved": int(achieved), "rate": rate}


def test_staff_record_a_status_and_the_dashboard_changes(page, live_server, staff_world):
    item = staff_world["item"]
    page.goto(live_server.url + "/accounts/login/")
    assert run_axe(page) == []
    page.get_by_label("ユーザー名").fill("yamada")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/staff/items/")
    assert page.get_by_role("heading", level=1).inner_text() == "担当の取組"
    assert page.get_by_text(item.title).first.is_visible()
    assert run_axe(page) == []

    # 町民サービスの向上 holds two of plan 2.0's items: one 未達成, one not yet evaluated.
    before = _area_row(page, live_server, item)
    assert before == {"total": "2", "achieved": 0, "rate": "0.0% 暫定"}

    page.goto(live_server.url + "/staff/items/")
    # The hidden part of the link text tells screen-reader users which item it is.
    page.get_by_role("link", name=re.compile(rf"記録する\s*（{re.escape(item.title)}）")).click()
    page.wait_for_url(f"**/staff/items/{PLAN}/{YEAR}/{item.code_key}/")
    assert run_axe(page) == []
    page.get_by_label("達成", exact=True).check()
    page.get_by_label("備考（公開）").fill("窓口での運用を開始しました。")
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url("**/staff/items/?plan=*")
    assert "評価を保存しました" in page.locator(".messages").inner_text()

    after = _area_row(page, live_server, item)
    assert after == {"total": "2", "achieved": 1, "rate": "50.0%"}
    assert "未公表（下書き）" in page.content()

    page.goto(live_server.url + item.get_absolute_url())
    assert "窓口での運用を開始しました。" in page.content()
    assert "達成状況：未評価 → 達成" in page.content()
    page.watcher.assert_clean()


def test_the_manager_pages_pass_axe(page, live_server, staff_world):
    manager = make_user("suzuki", "manager", password=PASSWORD)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("ユーザー名").fill(manager.username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/staff/progress/")
    assert run_axe(page) == []
    for path in ["/staff/approvals/", "/staff/years/", "/staff/history/"]:
        page.goto(live_server.url + path)
        assert run_axe(page) == [], path
    assert page.get_by_role("link", name="この条件でCSVをダウンロード").is_visible()
    page.watcher.assert_clean()
