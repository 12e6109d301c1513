"""A manager opens the lock page of a half-rated year: the gaps are listed, a lock without a
reason is refused, a lock with one is recorded; publishing shows what the public will see."""

import re

import pytest

from actions import services
from actions.models import ActionItem, AuditEntry, EvaluationState, EvaluationYear, YearlyStatus
from plans.versions import data_changed
from tests.actions.staff_users import make_user
from tests.browser.conftest import run_axe

PLAN = "nakai-dx-2.0"
YEAR = 2026
PASSWORD = "suzuki-browser-test-2026"


@pytest.fixture
def half_rated(live_town_data):
    """Plan 2.0 令和8年度: 3 of 11 items rated, one of them approved."""
    admin = make_user("kanri", "admin")
    items = list(ActionItem.objects.filter(plan__slug=PLAN))
    services.record_status(items[0], YEAR, status="achieved", user=admin)
    services.record_status(items[1], YEAR, status="not_achieved", comment="準備中", user=admin)
    services.record_status(items[4], YEAR, status="partially_achieved", user=admin)
    YearlyStatus.objects.filter(item=items[0], fiscal_year=YEAR).update(
        state=EvaluationState.APPROVED
    )
    data_changed(items[0].plan, [YEAR])  # a bulk update sends no signal
    return make_user("suzuki", "manager", password=PASSWORD)


def _sign_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/staff/progress/")  # managers land on the progress board


def _locked():
    return EvaluationYear.objects.filter(plan__slug=PLAN, fiscal_year=YEAR, is_locked=True).exists()


def _fits_the_screen(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_the_lock_page_lists_the_gaps_and_a_lock_needs_a_reason(page, live_server, half_rated):
    _sign_in(page, live_server, "suzuki")
    page.goto(live_server.url + "/staff/years/")
    page.get_by_role("link", name=re.compile(r"^確定する…\s*（令和8年度")).click()
    page.wait_for_url(f"**/staff/years/{PLAN}/{YEAR}/lock/")
    assert run_axe(page) == []
    notice = page.locator(".notice--gaps").inner_text()
    assert "承認されていない取組が 10件（うち未評価 8件）あります。" in notice
    areas = page.get_by_role("table", name="区分ごとの評価済みの取組と達成度")
    security = areas.get_by_role("row", name="3. セキュリティ対策の徹底")
    assert security.locator("td").all_inner_texts() == ["1／2", "1", "100.0% 暫定", "未評価あり"]
    divide = areas.get_by_role("row", name="4. デジタルデバイド対策")
    assert "評価なし" in divide.inner_text()
    assert "評価済みが半数未満の区分" in page.content()
    listed = page.get_by_role("table", name="評価が承認されていない取組")
    assert listed.locator("tbody tr").count() == 10

    # Confirmed but without a reason: refused, nothing locked.
    page.get_by_label("上の内容を確認しました。この年度の評価を確定します。").check()
    page.get_by_role("button", name="確定する").click()
    page.wait_for_load_state()
    assert "理由を入力してください" in page.locator("[role=alert]").all_inner_texts()[0]
    assert not _locked()
    assert run_axe(page) == []

    reason = "デモ用担当課の5件は次年度の評価に回す"
    page.get_by_label("承認されていない取組があるまま確定する理由（必須）").fill(reason)
    page.get_by_label("上の内容を確認しました。この年度の評価を確定します。").check()
    page.get_by_role("button", name="確定する").click()
    page.wait_for_url("**/staff/years/")
    assert "評価を確定しました" in page.locator(".messages").inner_text()
    assert _locked()
    entry = AuditEntry.objects.get(action="年度評価の確定")
    assert (entry.user.username, entry.reason) == ("suzuki", reason)
    assert (entry.after["not_approved"], entry.after["not_evaluated"]) == (10, 8)

    # Publishing: the page says the rates stay marked 暫定, then the year is public.
    page.get_by_role("link", name=re.compile(r"^公表する…\s*（令和8年度")).click()
    page.wait_for_url(f"**/staff/years/{PLAN}/{YEAR}/publish/")
    assert "評価済みの取組は 3／11 です。" in page.locator(".notice--gaps").inner_text()
    assert run_axe(page) == []
    # The tick alone no longer publishes a year with unrated items: a reason is asked for.
    page.get_by_label("上の内容を確認しました。この年度の評価を公表します。").check()
    page.get_by_role("button", name="公表する").click()
    page.wait_for_load_state()
    assert "このまま公表するには、理由を入力してください" in page.locator("main").inner_text()
    assert not EvaluationYear.objects.get(plan__slug=PLAN, fiscal_year=YEAR).is_published
    assert run_axe(page) == []
    note = "8件は令和9年度から事業を始めるため、評価済みの3件で中間報告として公表する"
    page.get_by_label(re.compile("未評価の取組を残したまま公表する理由")).fill(note)
    page.get_by_label("上の内容を確認しました。この年度の評価を公表します。").check()
    page.get_by_role("button", name="公表する").click()
    page.wait_for_url("**/staff/years/")
    assert EvaluationYear.objects.get(plan__slug=PLAN, fiscal_year=YEAR).is_published
    # The public reads the reason beside the figures.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/?plan={PLAN}&year={YEAR}")
    assert f"評価済み 3／11：理由 {note}" in page.locator("#publication-note").inner_text()
    assert run_axe(page) == []
    page.watcher.assert_clean()


def test_the_confirmation_pages_fit_a_phone(page, live_server, half_rated):
    page.set_viewport_size({"width": 375, "height": 800})
    _sign_in(page, live_server, "suzuki")
    for path in ("lock", "publish"):
        page.goto(f"{live_server.url}/staff/years/{PLAN}/{YEAR}/{path}/")
        assert _fits_the_screen(page), path
        assert run_axe(page) == [], path
    services.lock_year(ActionItem.objects.filter(plan__slug=PLAN).first().plan, YEAR, reason="試験")
    services.publish_year(
        ActionItem.objects.filter(plan__slug=PLAN).first().plan, YEAR, reason="中間報告"
    )
    page.goto(f"{live_server.url}/staff/years/{PLAN}/{YEAR}/unpublish/")
    assert _fits_the_screen(page)
    assert run_axe(page) == []
