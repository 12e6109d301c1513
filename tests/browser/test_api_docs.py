"""The API's documentation page: Swagger UI from this site's static files, under the CSP."""

import pytest

from tests.browser.conftest import run_axe
from tests.browser.test_csp import RECORD_VIOLATIONS


@pytest.mark.parametrize("width", [1280, 375])
def test_the_docs_page_draws_every_operation_offline_and_accessibly(
    page, live_server, live_town_data, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(live_server.url + "/api/v1/docs", wait_until="load")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".opblock").first.wait_for(timeout=10_000)
    assert page.locator(".opblock").count() == 10
    assert page.locator(".opblock-summary-description").first.inner_text() == "計画の一覧"
    # An operation opened shows its description and example, wrapped to the screen.
    control = page.locator(".opblock-summary-control").nth(7)
    control.click()
    page.get_by_text("ダッシュボード・オープンデータの JSON と CSV と同じ計算").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("window.cspViolations") == []
    page.watcher.assert_clean()  # no CDN, no validator.swagger.io
    assert run_axe(page) == []
