"""Every public page type switched by its language menu to English and やさしい日本語 and back
to 日本語, on a 1280 px screen and a 375 px phone: in each language the page says which it is
(html lang, the menu's current link), axe finds nothing and nothing scrolls sideways.

One test per width walks every page type in one browser page, so the town's data is loaded
twice, not once per page; the problems of all pages are reported together.
"""

import re

import pytest

from tests.browser.conftest import draw_charts, run_axe
from tests.browser.test_phone import CRAMPED_TABLES
from tests.i18n.pages import PUBLIC_PAGES

# Every public page type once (the dashboard's year selection is the dashboard again).
PAGE_TYPES = [name for name in PUBLIC_PAGES if name != "dashboard_year"]
# The menu's link of each language, and the prefix its addresses have.
LANGUAGES = [("en", "en", "/en/"), ("ja-x-easy", "ja", "/ja-easy/")]


def _switch(page, hreflang):
    with page.expect_navigation(wait_until="load"):
        page.locator(f'.language-menu a[hreflang="{hreflang}"]').click()


def _problems_here(page, width, html_lang, prefix):
    found = {}
    path = re.sub(r"^https?://[^/]+", "", page.url)
    if not path.startswith(prefix):
        found["address"] = path
    if page.locator("html").get_attribute("lang") != html_lang:
        found["lang"] = page.locator("html").get_attribute("lang")
    current = page.locator('.language-menu a[aria-current="true"]')
    if current.count() != 1 or current.get_attribute("href") != path:
        found["menu"] = "the current language is not marked"
    if page.locator("h1").count() != 1:
        found["h1"] = page.locator("h1").count()
    draw_charts(page)
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        found["scrollWidth"] = scroll_width
    if width < 600:
        cramped = page.evaluate(CRAMPED_TABLES)
        if cramped:
            found["cramped tables"] = cramped
    violations = run_axe(page)
    if violations:
        found["axe"] = {v["id"]: [n["target"] for n in v["nodes"]][:3] for v in violations}
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = false; })")
    return found


@pytest.mark.parametrize("width", [1280, 375])
def test_each_page_type_switches_language_and_stays_accessible(
    page, live_server, live_town_data, width
):
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    for name in PAGE_TYPES:
        path = PUBLIC_PAGES[name]
        page.goto(live_server.url + path, wait_until="load")
        for hreflang, html_lang, prefix in LANGUAGES:
            _switch(page, hreflang)
            found = _problems_here(page, width, html_lang, prefix)
            if found:
                problems[f"{name} {prefix}"] = found
        _switch(page, "ja")
        back = re.sub(r"^https?://[^/]+", "", page.url)
        if back != path or page.locator("html").get_attribute("lang") != "ja":
            problems[f"{name} back to 日本語"] = back
    assert problems == {}
    assert page.watcher.external_requests == []
