"""The staff and 課長 points in a browser: 「保存して提出」 submits what is typed, the saved
row keeps the reader's place (focus on its next action), and 承認待ち on a 375 px phone is
cards whose buttons lie inside the screen, approving with a tap."""

import re

import pytest

from actions import services
from actions.models import ActionItem, EvaluationState, YearlyStatus
from plans.versions import data_changed
from tests.actions.staff_users import make_user
from tests.browser.conftest import run_axe
from tests.factories import make_section

PLAN = "nakai-dx-2.0"
YEAR = 2026
PASSWORD = "second-week-browser-2026"
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def office(live_town_data):
    section = make_section("確認課")
    items = list(ActionItem.objects.filter(plan__slug=PLAN).order_by("sort_key"))[:4]
    ActionItem.objects.filter(pk__in=[item.pk for item in items]).update(section=section)
    data_changed(items[0].plan)  # a bulk update sends no signal
    staff = make_user("kato", "staff", [section], password=PASSWORD)
    make_user("sato", "section_head", [section], password=PASSWORD)
    for item in items[:2]:
        item.refresh_from_db()
        services.record_status(item, YEAR, status="achieved", comment="前の備考", user=staff)
    return {"items": items}


def _sign_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()


def _row(item):
    return YearlyStatus.objects.get(item=item, fiscal_year=YEAR)


def _focused_row(page):
    return page.evaluate(
        "(() => { const el = document.activeElement; const tr = el && el.closest('tr');"
        " return [tr ? tr.id : '', el ? el.textContent.trim() : '']; })()"
    )


def test_saving_keeps_the_place_and_save_and_submit_sends_what_is_typed(page, live_server, office):
    first, second, third, _fourth = office["items"]
    _sign_in(page, live_server, "kato")
    page.goto(f"{live_server.url}/staff/items/?plan={PLAN}&year={YEAR}")
    # Save the third item (unrated, so listed first): back on the list, its 提出する has focus.
    page.get_by_role("link", name=re.compile(rf"記録する\s*（{re.escape(third.title)}）")).click()
    page.get_by_label("達成", exact=True).check()
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url(f"**/staff/items/?*saved={third.pk}*")
    row_id, text = _focused_row(page)
    assert row_id == f"item-{third.pk}" and text.startswith("提出する")
    assert page.evaluate("window.scrollY") > 0 or page.locator(f"#item-{third.pk}").is_visible()
    assert run_axe(page) == []

    # The first item: change the status and the comment, then 保存して提出 at once.
    page.get_by_role("link", name=re.compile(rf"記録する\s*（{re.escape(first.title)}）")).click()
    page.get_by_label("一部達成", exact=True).check()
    page.get_by_label("備考（公開）").fill("新しい備考：窓口で試行中")
    page.get_by_role("button", name="保存して提出").click()
    page.wait_for_url("**/staff/items/?*")
    assert "保存して課長に提出しました" in page.locator(".messages").inner_text()
    row = _row(first)
    assert (row.status, row.comment, row.state) == (
        "partially_achieved",
        "新しい備考：窓口で試行中",
        EvaluationState.SUBMITTED,
    )
    row_id, text = _focused_row(page)
    assert row_id == f"item-{first.pk}" and text.startswith("記録する")
    page.watcher.assert_clean()


def test_a_section_head_approves_on_a_phone_from_cards(page, live_server, office):
    first, second, *_ = office["items"]
    services.submit_items(
        [services.MoveEntry(first, YEAR), services.MoveEntry(second, YEAR)],
        user=make_user("kato2", "admin"),
    )
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server, "sato")
    page.goto(f"{live_server.url}/staff/approvals/?plan={PLAN}&year={YEAR}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Cards: the table's rows are laid out as blocks, each button inside the screen.
    assert (
        page.locator(".approvals-table tbody tr").first.evaluate(
            "tr => getComputedStyle(tr).display"
        )
        == "flex"
    )
    for button in page.locator(".approvals-table .card-action .button").all():
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert run_axe(page) == []
    page.get_by_role("button", name=re.compile(rf"承認する\s*（{re.escape(first.title)}）")).click()
    page.wait_for_url("**/staff/approvals/**")
    assert f"「{first.title}」を承認しました。" in page.locator(".messages").inner_text()
    assert _row(first).state == EvaluationState.APPROVED
    page.watcher.assert_clean()
