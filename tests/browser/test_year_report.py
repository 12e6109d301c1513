"""The year's report page and its edit page in Chromium: at 1280 px and on a 375 px phone
nothing scrolls sideways, no table is cramped, axe finds nothing and no request leaves
the server. The edit page's preview and save are walked through as a manager."""

import pytest
from django.urls import reverse

from reports.models import YearReport
from tests.actions.staff_users import make_user
from tests.browser.conftest import run_axe
from tests.browser.test_phone import CRAMPED_TABLES

PASSWORD = "report-browser-test-2026"
WIDTHS = [1280, 375]
REPORT = reverse("reports:year_report", args=["nakai-dx-1.0", 2025])
EDIT = reverse("reports:year_report_edit", args=["nakai-dx-1.0", 2025])


def _problems(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    problems = {}
    if width > viewport:
        problems["scrollWidth"] = width
    cramped = page.evaluate(CRAMPED_TABLES)
    if cramped:
        problems["cramped"] = cramped
    violations = [violation["id"] for violation in run_axe(page)]
    if violations:
        problems["axe"] = violations
    return problems


def _sign_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_public_report_page_fits_the_screen_and_passes_axe(
    page, live_server, live_town_data, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + REPORT, wait_until="load")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "令和7年度（2025年度） 取組の達成状況"
    )
    assert page.locator(".year-report__box").count() == 7  # none chosen: the items with a KPI
    assert _problems(page) == {}
    page.watcher.assert_clean()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_manager_previews_and_saves_the_narrative(page, live_server, live_town_data, width):
    make_user("mori", "manager", password=PASSWORD)
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, live_server, "mori")
    page.goto(live_server.url + EDIT, wait_until="load")
    assert _problems(page) == {}
    page.get_by_label("総評").fill("計画の最終年度として、多くの取組が達成しました。")
    page.get_by_label("1. 町民サービスの向上の所見").fill("窓口のデジタル化が進みました。")
    page.get_by_role("button", name="プレビュー").click()
    page.wait_for_load_state()
    preview = page.locator(".year-report-preview")
    assert "多くの取組が達成しました" in preview.inner_text()
    assert "窓口のデジタル化が進みました。" in preview.inner_text()
    assert not YearReport.objects.exists()
    assert _problems(page) == {}
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url(f"**{REPORT}")
    assert "報告書の記述を保存しました" in page.locator(".messages").inner_text()
    assert "多くの取組が達成しました" in page.locator(".year-report").inner_text()
    assert YearReport.objects.get().overview.startswith("計画の最終年度")
    page.watcher.assert_clean()
