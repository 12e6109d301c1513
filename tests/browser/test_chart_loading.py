"""plotly.js comes only when a chart comes near the screen; nothing moves when it draws."""

PHONE = {"width": 375, "height": 800}
BUNDLE = "/static/vendor/plotly/plotly-basic.min.js"
PRINT_NOTE = """
window.print = function () {
  var drawn = Array.prototype.filter.call(
    document.querySelectorAll("[data-chart]"), function (chart) { return chart.querySelector("svg.main-svg"); }
  ).length;
  document.documentElement.setAttribute("data-printed-charts", String(drawn));
};
"""


def _phone_page(browser, live_server, init_script=None):
    from tests.browser.conftest import PageWatcher

    context = browser.new_context(locale="ja-JP", viewport=PHONE)
    page = context.new_page()
    page.watcher = PageWatcher(page, live_server.url)
    if init_script:
        page.add_init_script(init_script)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    return page, requested


def _plotly(requested):
    return [url for url in requested if "/vendor/plotly/" in url]


def _heights(page):
    return page.evaluate(
        "Array.from(document.querySelectorAll('[data-chart]'), e => e.getBoundingClientRect().height)"
    )


def test_plotly_is_not_requested_until_a_chart_is_near_and_the_chart_draws_once_scrolled_to(
    browser, live_server, live_town_data
):
    page, requested = _phone_page(browser, live_server)
    page.goto(live_server.url + "/", wait_until="networkidle")
    # The charts are far below a phone's first screen.
    assert page.locator("[data-chart]").count() == 2
    assert _plotly(requested) == []
    assert page.locator("svg.main-svg").count() == 0
    assert page.evaluate("typeof window.Plotly") == "undefined"
    held = _heights(page)
    assert all(height > 200 for height in held)

    page.locator("#chart-area-rates").scroll_into_view_if_needed()
    page.wait_for_selector("#chart-area-rates svg.main-svg", state="attached", timeout=10_000)
    assert _plotly(requested)
    assert all(BUNDLE.split(".js")[0] in url for url in _plotly(requested))
    assert page.locator("#chart-area-rates .bars .point").count() == 5
    page.locator("#chart-status").scroll_into_view_if_needed()
    page.wait_for_selector("#chart-status svg.main-svg", state="attached", timeout=10_000)
    # Each chart's place was held at the height it draws at: nothing below it moved.
    assert _heights(page) == held
    assert page.locator(".chart__placeholder").count() == 0
    page.watcher.assert_clean()
    page.context.close()


def test_a_chart_already_in_view_draws_without_scrolling(page, live_server, live_town_data):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + "/plans/nakai-dx-1.0/areas/2/?year=2025", wait_until="load")
    assert page.locator("#chart-area").bounding_box()["y"] < 900
    page.wait_for_selector("#chart-area svg.main-svg", state="attached", timeout=10_000)
    assert page.evaluate("window.scrollY") == 0
    page.wait_for_load_state("networkidle")
    # Fetched once, as the script: no prefetch alongside it.
    assert len(_plotly(requested)) == 1
    page.watcher.assert_clean()


def test_ctrl_p_draws_every_chart_before_printing(browser, live_server, live_town_data):
    # The print dialog is replaced by a note of how many charts were drawn when it opened.
    page, requested = _phone_page(browser, live_server, PRINT_NOTE)
    page.goto(live_server.url + "/", wait_until="networkidle")
    assert _plotly(requested) == []
    page.keyboard.press("Control+p")
    page.wait_for_selector("html[data-printed-charts]", state="attached", timeout=10_000)
    assert page.locator("html").get_attribute("data-printed-charts") == "2"
    page.watcher.assert_clean()
    page.context.close()


def test_printing_before_plotly_came_prints_the_charts_tables(browser, live_server, live_town_data):
    page, _ = _phone_page(browser, live_server)
    page.goto(live_server.url + "/", wait_until="networkidle")
    opened = page.locator("details.figure__data[open]").count()
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    tables = page.locator("details.figure__data[data-print-table]")
    assert tables.count() == 2
    assert page.locator("details.figure__data[data-print-table] table").first.is_visible()
    assert not page.locator("#chart-area-rates").is_visible()
    page.emulate_media(media="screen")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("details.figure__data[data-print-table]").count() == 0
    assert page.locator("details.figure__data[open]").count() == opened
    page.watcher.assert_clean()
    page.context.close()
