"""An admin uploads a workbook in the browser: the dry run lists the errors, accessibly."""

import io

import pytest
from openpyxl import Workbook

from actions.models import YearlyStatus
from tests.actions.staff_users import make_user
from tests.browser.conftest import run_axe

PASSWORD = "sato-browser-test-2026"


@pytest.fixture
def admin_page(page, live_server, live_town_data):
    make_user("sato", "admin", password=PASSWORD)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "sato")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    return page


def _workbook_with_a_bad_status():
    book = Workbook()
    sheet = book.active
    sheet.title = "達成状況"
    sheet.append(["令和8年度 達成状況（企画課）"])
    sheet.append(["計画ID", "取組番号", "年度", "達成状況", "備考"])
    sheet.append(["nakai-dx-2.0", "１", "令和8年度", "達成", ""])
    sheet.append(["nakai-dx-2.0", "2", "R8", "たぶん達成", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_admin_sees_the_dry_run_errors_and_nothing_is_written(admin_page, live_server):
    page = admin_page
    page.goto(live_server.url + "/imports/")
    assert run_axe(page) == []
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "達成状況.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": _workbook_with_a_bad_status(),
            }
        ],
    )
    page.click("form[data-import-form] button[type=submit]")
    page.wait_for_selector("h1:has-text('取込内容の確認')")
    errors = page.locator("table.imports-errors").inner_text()
    assert "たぶん達成" in errors
    assert "4" in errors  # the row number as Excel shows it
    assert "一部達成" in errors  # the message lists the allowed values
    assert run_axe(page) == []
    page.watcher.assert_clean()
    assert not YearlyStatus.objects.filter(item__plan__slug="nakai-dx-2.0").exists()
