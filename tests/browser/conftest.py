"""Browser tests: Django's live server, Debian's Chromium driven by Playwright, axe-core.

Only Debian's Chromium is used (never a downloaded browser). Where it is not
installed these tests skip, saying how to install it.
"""

import os
import shutil
from urllib.parse import urlparse

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"Chromium がありません（{CHROMIUM}）。sudo make browser-deps でインストールすると"
            "ブラウザテストを実行します。"
        )
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatcher:
    """Records requests to other hosts and JavaScript errors of one page."""

    def __init__(self, page, base_url):
        self.page = page
        self.host = urlparse(base_url).netloc
        self.external_requests = []
        self.js_errors = []
        page.on("request", self._on_request)
        page.on("pageerror", lambda error: self.js_errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                self.js_errors.append(message.text) if message.type == "error" else None
            ),
        )

    def _on_request(self, request):
        url = urlparse(request.url)
        if url.scheme in ("data", "blob", "about"):
            return
        if url.netloc != self.host:
            self.external_requests.append(request.url)

    def assert_clean(self):
        assert self.external_requests == [], f"外部への通信: {self.external_requests}"
        assert self.js_errors == [], f"JavaScript のエラー: {self.js_errors}"


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.watcher = PageWatcher(page, live_server.url)
    yield page
    context.close()


def run_axe(page):
    """axe-core's WCAG 2.1 A/AA rules on the current page; returns the violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    return results.response["violations"]


def draw_charts(page, timeout=10_000):
    """Scrolls each chart into view (static/js/charts.js draws a chart as it comes into
    view) and waits until plotly has drawn it; returns the number of charts."""
    charts = page.locator("[data-chart]").all()
    for chart in charts:
        chart.scroll_into_view_if_needed()
        chart.locator("svg.main-svg").first.wait_for(state="attached", timeout=timeout)
    return len(charts)
