"""Every public page type in Chromium: no outside request, no JS error, zero axe violations."""

import pytest

from tests.browser.conftest import draw_charts, run_axe

PAGES = {
    "dashboard": ("/", True),
    "dashboard without evaluations": ("/?plan=nakai-dx-2.0", False),
    "area": ("/plans/nakai-dx-1.0/areas/2/?year=2025", True),
    "item with a KPI": ("/plans/nakai-dx-1.0/items/1/", True),
    "placeholder item": ("/plans/nakai-dx-1.0/items/5/", False),
    "plan index": ("/plans/", False),
    "plan": ("/plans/nakai-dx-2.0/", False),
    "timeline": ("/timeline/?area=防災DXの推進", False),
    "open data": ("/opendata/", False),
}


@pytest.mark.parametrize("name", PAGES)
def test_each_page_is_clean_and_accessible(page, live_server, live_town_data, name):
    path, has_chart = PAGES[name]
    page.goto(live_server.url + path, wait_until="load")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").count() == 1
    if has_chart:
        assert draw_charts(page) > 0
    page.watcher.assert_clean()
    assert run_axe(page) == []


def test_the_not_found_page_is_japanese_and_accessible(page, live_server, live_town_data):
    response = page.goto(live_server.url + "/plans/no-such-plan/", wait_until="load")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "ページが見つかりません"
    assert page.watcher.external_requests == []
    # The browser logs the 404 of the document itself; nothing else may fail.
    assert all("404" in error for error in page.watcher.js_errors)
    assert run_axe(page) == []


def test_the_dashboard_draws_every_chart_as_svg(page, live_server, live_town_data):
    page.goto(live_server.url + "/", wait_until="load")
    assert draw_charts(page) >= 2
    assert page.locator("figure .chart svg.main-svg").count() >= 2
    assert page.locator("#chart-area-rates .bars .point").count() == 5
    assert page.locator("a.modebar-btn[data-title*='Chart Studio']").count() == 0
    assert page.locator(".modebar-btn--logo").count() == 0
    page.watcher.assert_clean()


def test_the_dashboard_has_no_horizontal_scroll_on_a_375px_phone(page, live_server, live_town_data):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/", wait_until="load")
    draw_charts(page)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375
    page.watcher.assert_clean()
    assert run_axe(page) == []


def test_the_dashboard_is_readable_with_javascript_off(browser, live_server, live_town_data):
    context = browser.new_context(locale="ja-JP", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.get_by_text("60.0%").first.is_visible()
    page.get_by_text("図1の数値を表で見る").click()
    assert page.locator("details table").first.is_visible()
    context.close()


def test_the_sorted_column_announces_its_order(page, live_server, live_town_data):
    page.goto(live_server.url + "/plans/nakai-dx-1.0/areas/2/")
    page.get_by_role("link", name="達成状況").click()
    header = page.locator("th[aria-sort]")
    assert header.get_attribute("aria-sort") == "ascending"
    assert "達成状況" in header.inner_text()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_too_many_downloads_page_is_japanese_and_accessible(
    page, live_server, live_town_data, settings, width
):
    settings.EXPORT_RATE_LIMIT = 1
    export = live_server.url + f"/plans/nakai-dx-1.0/areas/2/?year=2025&_export=csv&w={width}"
    assert page.request.get(export).status == 200
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto(export + "&again=1", wait_until="load")
    assert response.status == 429
    assert response.headers["retry-after"] == "60"
    assert page.locator("h1").inner_text() == "しばらくしてからもう一度お試しください"
    assert "1分間に1回まで" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.watcher.external_requests == []
    assert all("429" in error for error in page.watcher.js_errors)
    assert run_axe(page) == []
