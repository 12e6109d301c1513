"""The plotly charts and the admin's export page work under the Content-Security-Policy."""

import pytest
from django.contrib.auth.models import User

from tests.browser.conftest import draw_charts

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""

CHART_PAGES = {
    "dashboard": ("/", "#chart-area-rates .bars .point"),
    "area": ("/plans/nakai-dx-1.0/areas/2/?year=2025", "figure .chart .bars .point"),
    "item with a KPI": ("/plans/nakai-dx-1.0/items/1/", "figure .chart g.trace"),
}


@pytest.mark.parametrize("name", CHART_PAGES)
def test_charts_draw_under_the_policy_without_a_violation(page, live_server, live_town_data, name):
    path, drawn = CHART_PAGES[name]
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(live_server.url + path, wait_until="load")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    draw_charts(page)
    page.wait_for_selector(drawn, state="attached", timeout=10_000)
    assert page.locator(drawn).count() > 0
    # plotly's own rules (modebar, hover labels) went into its style sheet.
    rules = page.evaluate("document.getElementById('plotly.js-style-global').sheet.cssRules.length")
    assert rules > 10
    # maplibre's bundled stylesheet was kept out by the placeholder, not blocked.
    assert page.evaluate("document.querySelectorAll('style').length") == 1
    assert page.evaluate("window.cspViolations") == []
    page.watcher.assert_clean()


def test_a_chart_saves_as_a_png_under_the_policy(browser, live_server, live_town_data):
    context = browser.new_context(locale="ja-JP", accept_downloads=True)
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server.url + "/", wait_until="load")
    page.locator("#chart-area-rates").scroll_into_view_if_needed()
    button = page.locator("#chart-area-rates .modebar-btn").first
    button.wait_for(state="attached")
    page.hover("#chart-area-rates")
    with page.expect_download(timeout=15_000) as download:
        button.click(force=True)
    assert download.value.suggested_filename == "chart.png"
    assert page.evaluate("window.cspViolations") == []
    context.close()


def test_the_admin_export_page_selects_and_clears_all_fields(page, live_server, live_town_data):
    User.objects.create_superuser("csp-admin", "admin@example.jp", "pass-for-tests-9281")
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "csp-admin")
    page.fill("#id_password", "pass-for-tests-9281")
    page.click("input[type=submit]")
    page.goto(live_server.url + "/admin/actions/actionitem/export/", wait_until="load")
    fields = page.locator(".selectable-field-export-row input[type=checkbox]:checked")
    assert fields.count() > 3
    page.click("#select-all-toggle")
    assert fields.count() == 0
    page.click("#select-all-toggle")
    assert fields.count() > 3
    assert page.evaluate("window.cspViolations") == []
    page.watcher.assert_clean()
