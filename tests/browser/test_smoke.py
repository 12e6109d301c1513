from tests.browser.conftest import run_axe


def test_the_dashboard_opens_without_errors_or_outside_requests(page, live_server, live_town_data):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.watcher.assert_clean()
    assert run_axe(page) == []
