"""A town's own workbook through the browser: the dry run, the confirmation, the first sign-in."""

import pytest

from actions.models import ActionItem, ItemLineage, YearlyStatus
from plans.models import Section
from tests.actions.staff_users import make_user
from tests.browser.conftest import run_axe
from tests.imports.town_workbook import SECTIONS, town_workbook

PASSWORD = "kanri-browser-test-2026"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sign_in(page, base_url, username, password):
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_a_towns_workbook_imports_in_one_dry_run_and_one_confirmation(page, live_server, browser):
    Section.objects.create(name="企画課", unit="デジタル推進班")
    make_user("kanri", "admin", password=PASSWORD)
    sign_in(page, live_server.url, "kanri", PASSWORD)
    page.goto(live_server.url + "/imports/")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "町の計画.xlsx", "mimeType": XLSX, "buffer": town_workbook()}],
    )
    page.click("form[data-import-form] button[type=submit]")
    page.wait_for_selector("h1:has-text('取込内容の確認')")

    sections = page.locator("#new-sections-heading + p + ul").inner_text()
    assert all(name in sections for name in SECTIONS)
    assert "新規に作成される担当課（20件）" in page.inner_text("#new-sections-heading")
    assert "新規に作成されるアカウント（5件）" in page.inner_text("#new-accounts-heading")
    warnings = page.locator("section:has(#warnings-heading)").inner_text()
    assert "未達成・判定不可で備考（理由）のない行: 3件" in warnings
    assert "「窓口サービス課」とみなします" in warnings
    assert run_axe(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert no_sideways_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not ActionItem.objects.exists() and Section.objects.count() == 1

    page.click("text=この内容で取り込む")
    page.wait_for_selector("h1:has-text('取込結果')", timeout=60_000)  # the progress page moves on
    assert Section.objects.count() == 21
    assert ActionItem.objects.count() == 24
    assert ItemLineage.objects.count() == 6
    assert YearlyStatus.objects.filter(status="not_achieved", comment="").count() == 2
    rows = page.locator("section.imports-passwords tbody tr")
    assert rows.count() == 5
    first = rows.nth(0).locator("td").nth(1).inner_text().strip()
    username = rows.nth(0).locator("th").inner_text().strip()
    assert run_axe(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert no_sideways_scroll(page)
    page.reload()
    assert page.locator("section.imports-passwords").count() == 0  # shown once
    page.watcher.assert_clean()

    # The new account signs in with its one-time password and must choose its own first.
    context = browser.new_context(locale="ja-JP", viewport={"width": 375, "height": 800})
    staff = context.new_page()
    sign_in(staff, live_server.url, username, first)
    staff.wait_for_selector("h1:has-text('パスワードの変更')")
    assert "初回ログインです" in staff.inner_text("main")
    assert run_axe(staff) == []
    assert no_sideways_scroll(staff)
    staff.goto(live_server.url + "/staff/items/")
    assert staff.url.endswith("/accounts/password_change/")
    staff.fill("input[name=old_password]", first)
    staff.fill("input[name=new_password1]", "my-own-password-2026")
    staff.fill("input[name=new_password2]", "my-own-password-2026")
    staff.click("main button[type=submit]:has-text('パスワードを変更する')")
    staff.wait_for_selector("h1:has-text('パスワードを変更しました')")
    staff.goto(live_server.url + "/staff/items/")
    staff.wait_for_selector("h1:has-text('担当の取組')")
    context.close()
