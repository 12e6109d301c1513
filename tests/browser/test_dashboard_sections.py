"""The by-section table on the dashboard passes axe in a real browser."""

from actions.models import ActionItem
from plans.models import Section
from plans.versions import data_changed
from tests.browser.conftest import run_axe


def test_the_dashboard_with_sections_has_no_accessibility_violations(
    page, live_server, live_town_data
):
    ActionItem.objects.filter(plan__slug="nakai-dx-1.0", primary_area__number__lte=2).update(
        section=Section.objects.get(name="企画課")
    )
    data_changed()  # a bulk update sends no signal
    page.goto(live_server.url + "/")
    table = page.locator("section[aria-labelledby=sections-heading] table")
    assert "企画課 デジタル推進班" in table.inner_text()
    assert "担当課未設定" in table.inner_text()
    assert run_axe(page) == []
    page.watcher.assert_clean()
