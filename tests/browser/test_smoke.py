from tests.browser.conftest import run_axe


def test_the_dashboard_opens_without_errors_or_outside_requests(page, live_server, live_town_data):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.watcher.assert_clean()
    assert run_axe(page) == []


def test_the_chart_buttons_speak_japanese(page, live_server, live_town_data):
    page.goto(live_server.url + "/")
    page.locator("#chart-area-rates").scroll_into_view_if_needed()
    button = page.locator("#chart-area-rates .modebar-btn").first
    button.wait_for(state="attached")
    assert button.get_attribute("data-title") == "グラフを画像（PNG）で保存"
    page.watcher.assert_clean()
