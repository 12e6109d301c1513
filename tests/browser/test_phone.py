"""Every page type on a 375 px phone, for the public and for each role: nothing scrolls
sideways, every action button lies inside the 375 px viewport (on the staff lists with
rows present), and axe finds nothing. Details (the figures' tables) are opened first,
since those are what grew wider than the screen."""

import datetime

import pytest
from django.urls import reverse

from actions import services
from actions.models import ActionItem
from plans.versions import data_changed
from tests.actions.staff_users import make_user
from tests.browser.conftest import draw_charts, run_axe
from tests.browser.test_import_pages import _workbook_with_a_bad_status
from tests.browser.test_pages import PAGES as PUBLIC_PAGES
from tests.factories import make_section

PHONE = {"width": 375, "height": 800}
PASSWORD = "phone-browser-test-2026"
DRAFT_DASHBOARD = "/?plan=nakai-dx-2.0&year=2026"
DRAFT_TREND = "/?plan=nakai-dx-1.0&year=2024"
# Captions of the tables that are wider than their box, or whose row headings are squeezed
# into a column under 5em wide, three lines or more of a few characters each (a table with many
# columns needs cards on a phone).
CRAMPED_TABLES = """
(() => {
  const lines = (cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  };
  return [...document.querySelectorAll('table')]
    .filter((t) => (t.classList.contains('data-table--cards')
                    && t.scrollWidth > t.parentElement.clientWidth + 1)
                   || [...t.querySelectorAll('tbody th[scope=row]')]
                        .some((th) => th.offsetWidth > 0 && th.offsetWidth < 80 && lines(th) >= 3))
    .map((t) => (t.caption ? t.caption.textContent.trim() : t.className));
})()
"""


# Every action button or button-styled link that is shown, and lies (wholly or partly)
# outside the 375 px viewport: a table scrolling inside its box hides them off-screen.
ACTIONS_OFF_SCREEN = """
(() => [...document.querySelectorAll('main button, main a.button, main input[type=submit]')]
  .filter((el) => el.getClientRects().length > 0)
  .filter((el) => {
    const r = el.getBoundingClientRect();
    return r.left < 0 || r.right > document.documentElement.clientWidth;
  })
  .map((el) => el.textContent.trim().replace(/\\s+/g, ' ')))()
"""
# The staff list pages, each checked with rows present: an empty list proves nothing.
LIST_PAGES = {
    "担当の取組",
    "担当の取組 (課長)",
    "担当の取組 (all items)",
    "承認待ち",
    "進捗状況 items",
    "年度の確定・公表",
    "変更履歴",
}


@pytest.fixture
def world(live_town_data):
    """Two sections' staff and 課長, a manager, an admin; a draft year on each plan, its round
    open with one item submitted for approval."""
    section = make_section("スマホ確認課")
    items = list(ActionItem.objects.filter(plan__slug="nakai-dx-2.0").order_by("sort_key"))
    ActionItem.objects.filter(pk__in=[item.pk for item in items[:4]]).update(section=section)
    data_changed(items[0].plan)  # a bulk update sends no signal
    staff = make_user("kato", "staff", [section], password=PASSWORD)
    admin = make_user("ito", "admin", password=PASSWORD)
    make_user("mori", "manager", password=PASSWORD)
    make_user("sato", "section_head", [section], password=PASSWORD)
    services.open_round(items[0].plan, 2026, deadline=datetime.date(2026, 12, 25), user=admin)
    for item, status in zip(items[:3], ["achieved", "partially_achieved", "achieved"], strict=True):
        item.refresh_from_db()
        services.record_status(item, 2026, status=status, user=staff)
    services.submit_items([(items[1], 2026)], user=staff)
    # A draft 令和6年度 on plan 1.0 (one rated item): 図3 mixes draft and published years.
    first = ActionItem.objects.filter(plan__slug="nakai-dx-1.0").order_by("sort_key").first()
    services.record_status(first, 2024, status="achieved", user=admin)
    # A locked, unpublished 令和9年度 on plan 2.0: its unlock form and publish page.
    services.lock_year(items[0].plan, 2027, reason="スマホ表示の確認", user=admin)
    items[0].refresh_from_db()
    return {"item": items[0], "submitted": items[1], "other_plan_item": first}


def _sign_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()


def _status_form_url(item, year=2026):
    return reverse("actions:edit_status", args=[item.plan.slug, year, item.code_key])


def _send_back_url(item, year=2026):
    return reverse("actions:send_back", args=[item.plan.slug, year, item.code_key])


def _refuse_a_status_without_reason(page):
    page.get_by_label("未達成", exact=True).check()
    page.get_by_role("button", name="保存する").click()
    page.wait_for_selector("#error-summary")


def _refuse_an_unlock_without_reason(page):
    row = page.locator("tr", has_text="令和9年度（2027年度）").last
    row.locator("summary").click()
    row.get_by_role("button", name="解除する").click()
    page.wait_for_selector("details[open] [aria-invalid=true]")


def _dry_run(page):
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


def _pages(role, world):
    item = world["item"]
    if role is None:
        return [
            *((name, path, None) for name, (path, _chart) in PUBLIC_PAGES.items()),
            ("login", "/accounts/login/", None),
            ("not found", "/plans/no-such-plan/", None),
        ]
    signed_in = [
        ("draft dashboard", DRAFT_DASHBOARD, None),
        ("item page with the staff panel", item.get_absolute_url(), None),
    ]
    round_pages = [
        ("承認待ち", "/staff/approvals/?plan=nakai-dx-2.0&year=2026", None),
        ("send-back form", _send_back_url(world["submitted"]), None),
        ("進捗状況", "/staff/progress/?plan=nakai-dx-2.0&year=2026", None),
        (
            "進捗状況 items",
            "/staff/progress/items/?plan=nakai-dx-2.0&year=2026&state=submitted",
            None,
        ),
    ]
    if role == "staff":
        return [
            *signed_in,
            ("担当の取組", "/staff/items/", None),
            ("status form", _status_form_url(item), None),
            ("status form with errors", _status_form_url(item), _refuse_a_status_without_reason),
        ]
    if role == "section_head":
        return [*signed_in, ("担当の取組 (課長)", "/staff/items/", None), *round_pages]
    managing = [
        *signed_in,
        ("draft trend", DRAFT_TREND, None),
        ("担当の取組 (all items)", "/staff/items/", None),
        ("年度の確定・公表", "/staff/years/", None),
        ("lock confirmation", "/staff/years/nakai-dx-2.0/2026/lock/", None),
        ("publish confirmation", "/staff/years/nakai-dx-2.0/2027/publish/", None),
        ("withdrawal confirmation", "/staff/years/nakai-dx-1.0/2025/unpublish/", None),
        ("変更履歴", "/staff/history/", None),
        ("変更履歴 filtered", f"/staff/history/?item={world['other_plan_item'].pk}", None),
        ("imports", "/imports/", None),
        *round_pages,
    ]
    if role == "manager":
        return managing
    return [
        *managing,
        ("status form (admin)", _status_form_url(item), None),
        ("unlock refused", "/staff/years/", _refuse_an_unlock_without_reason),
        ("import dry run", "/imports/", _dry_run),
    ]


USERNAMES = {
    None: None,
    "staff": "kato",
    "section_head": "sato",
    "manager": "mori",
    "admin": "ito",
}


@pytest.mark.parametrize("role", list(USERNAMES))
def test_no_page_scrolls_sideways_on_a_phone_and_axe_finds_nothing(page, live_server, world, role):
    page.set_viewport_size(PHONE)
    if role:
        _sign_in(page, live_server, USERNAMES[role])
    problems = {}
    for name, path, action in _pages(role, world):
        page.goto(live_server.url + path, wait_until="load")
        if action:
            action(page)
        draw_charts(page)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        width = page.evaluate("document.documentElement.scrollWidth")
        cramped = page.evaluate(CRAMPED_TABLES)
        off_screen = page.evaluate(ACTIONS_OFF_SCREEN)
        violations = [violation["id"] for violation in run_axe(page)]
        if name in LIST_PAGES:
            assert page.locator("main table tbody tr").count() > 0, f"{name}: no rows"
        if width > PHONE["width"] or cramped or off_screen or violations:
            problems[name] = {
                "scrollWidth": width,
                "cramped": cramped,
                "actions off screen": off_screen,
                "axe": violations,
            }
    assert problems == {}
    assert page.watcher.external_requests == []
