"""The accessibility policy page: clean, accessible, and readable on a phone."""

import pytest

from tests.browser.conftest import run_axe


@pytest.mark.parametrize("width", [1280, 375])
def test_the_policy_page_is_accessible_at_each_width(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/accessibility/", wait_until="load")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == "ウェブアクセシビリティ方針"
    assert page.locator("table.a11y-results tbody tr").count() >= 24
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.watcher.assert_clean()
    assert run_axe(page) == []


def test_the_footer_link_leads_to_the_policy(page, live_server, live_town_data):
    page.goto(live_server.url + "/", wait_until="load")
    page.get_by_role("contentinfo").get_by_role("link", name="ウェブアクセシビリティ方針").click()
    page.wait_for_url("**/accessibility/")
    assert page.locator("h1").inner_text() == "ウェブアクセシビリティ方針"
