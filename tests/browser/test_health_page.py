"""The status page of /health/ in Chromium: Japanese, accessible, no sideways scroll on a phone."""

import pytest

from tests.browser.conftest import run_axe


@pytest.mark.parametrize("width", [1280, 375])
def test_the_status_page_fits_and_passes_axe(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto(live_server.url + "/health/", wait_until="load")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "稼働状況"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.watcher.assert_clean()
    assert run_axe(page) == []
