"""Pages at the widths people use them: 1280 px on a desk, 375 px on a phone.

変更履歴 keeps every column inside its box at 1280 and its box is reached by keyboard; the
header never leaves 「ログアウト（…）」 on a line of its own; count axes tick whole numbers;
short table headings break between phrases, never inside a word; a GET on a POST-only
address is a Japanese page with the way back."""

import pytest

from actions import services
from actions.models import ActionItem, AuditEntry, Kpi
from tests.actions.staff_users import make_user
from tests.browser.conftest import draw_charts, run_axe

PASSWORD = "layout-browser-test-2026"
PHONE = {"width": 375, "height": 800}
REASON = "根拠となる申請件数の出典が書かれていません。令和8年度の集計表を添えて、もう一度提出してください。"

# Breaks inside one text node of a short heading: with |phrases a heading's phrases are
# separate text nodes (joined by <wbr>), so a break inside a node is a break inside a word.
WORDS_BROKEN = """
(() => {
  const broken = [];
  for (const th of document.querySelectorAll('th')) {
    if (!th.offsetWidth || th.innerText.replace(/\\s/g, '').length > 12) continue;
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const text = node.textContent;
      let top = null, marked = '', split = false;
      for (let i = 0; i < text.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (rect && rect.width && text[i].trim()) {
          if (top !== null && Math.abs(rect.top - top) > 4) { marked += '/'; split = true; }
          top = rect.top;
        }
        marked += text[i];
      }
      if (split) broken.push(marked.trim());
    }
  }
  return broken;
})()
"""


@pytest.fixture
def world(live_town_data):
    admin = make_user("ito", "admin", password=PASSWORD)
    make_user("mori", "manager", password=PASSWORD)
    items = list(ActionItem.objects.filter(plan__slug="nakai-dx-2.0").order_by("sort_key")[:3])
    section = items[0].section
    for item in items:
        services.record_status(
            item,
            2026,
            status="partially_achieved",
            comment="進行中です。次年度に継続して取り組みます",
            user=admin,
        )
    kpi = Kpi.objects.create(item=items[0], name="オンライン申請の件数", unit="件")
    services.record_kpi_actual(kpi, 2026, 340, user=admin)
    services.record_kpi_actual(kpi, 2026, 352, user=admin)
    AuditEntry.objects.create(
        action="差戻し",
        item=items[1],
        plan=items[1].plan,
        section=section,
        section_name="企画課 デジタル推進班",
        fiscal_year=2026,
        object_repr=str(items[1]),
        before={"state_label": "提出"},
        after={"state_label": "差戻し"},
        reason=REASON,
    )
    return {"items": items}


def _sign_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()


def _lines(locator):
    return locator.evaluate(
        """(cell) => { const range = document.createRange(); range.selectNodeContents(cell);
             return new Set([...range.getClientRects()].filter((r) => r.width)
                              .map((r) => Math.round(r.top))).size; }"""
    )


def test_the_history_fits_its_box_at_1280_and_the_box_takes_focus(page, live_server, world):
    _sign_in(page, live_server, "ito")
    page.goto(live_server.url + "/staff/history/")
    box = page.locator(".table-scroll").first
    table = box.locator("table")
    assert table.evaluate("(t) => t.scrollWidth") <= box.evaluate("(b) => b.clientWidth")
    reason = page.locator("td.audit-reason", has_text="集計表を添えて").first
    box_right = box.evaluate("(b) => b.getBoundingClientRect().right")
    assert reason.evaluate("(c) => c.getBoundingClientRect().right") <= box_right
    assert reason.evaluate("(c) => c.getBoundingClientRect().width") >= 150  # readable
    for cell in page.locator("td.audit-section").all():
        assert _lines(cell) <= 2, cell.inner_text()
    assert page.get_by_text("実績値: 340件 → 352件").is_visible()
    box.focus()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region"
    assert run_axe(page) == []
    page.watcher.assert_clean()


def test_the_history_reads_as_cards_on_a_phone(page, live_server, world):
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server, "ito")
    page.goto(live_server.url + "/staff/history/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert run_axe(page) == []


@pytest.mark.parametrize("username", ["ito", "mori"])
def test_the_header_at_1280_never_leaves_sign_out_on_a_line_alone(
    page, live_server, world, username
):
    _sign_in(page, live_server, username)
    page.goto(live_server.url + "/")
    sign_out = page.get_by_role("button", name=f"ログアウト（{username}）")
    title = page.locator(".site-title")
    assert abs(sign_out.bounding_box()["y"] - title.bounding_box()["y"]) < 16
    tops = {round(item.bounding_box()["y"]) for item in page.locator(".site-nav li").all()}
    assert len(tops) == 1, "the menu wraps at 1280 px"


def test_the_sign_out_stays_on_screen_on_a_phone(page, live_server, world):
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server, "ito")
    box = page.get_by_role("button", name="ログアウト（ito）").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_an_area_page_counts_in_whole_numbers(page, live_server, live_town_data):
    # デジタルデバイド対策 holds 2 items, 1 in each status: plotly ticked 0.2 … 0.8 before.
    page.goto(live_server.url + "/plans/nakai-dx-1.0/areas/4/?year=2025")
    assert draw_charts(page) >= 1
    ticks = page.locator("[data-chart] .ytick text").all_text_contents()
    assert ticks, "no tick labels"
    assert all(tick.strip().isdigit() for tick in ticks), ticks


@pytest.mark.parametrize(
    "path",
    [
        "/?plan=nakai-dx-1.0&year=2025",
        "/plans/nakai-dx-2.0/",
        "/plans/nakai-dx-1.0/areas/2/?year=2025",
        "/opendata/",
    ],
)
def test_short_headings_break_between_phrases_on_a_phone(page, live_server, live_town_data, path):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + path)
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    assert page.evaluate(WORDS_BROKEN) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_get_on_unlock_is_a_page_with_the_way_back(page, live_server, world):
    _sign_in(page, live_server, "ito")
    page.goto(live_server.url + "/staff/years/")
    response = page.goto(live_server.url + "/staff/years/nakai-dx-2.0/2026/unlock/")
    assert response.status == 405
    assert page.locator("h1").inner_text() == "このアドレスは直接開けません"
    page.get_by_role("link", name="年度の確定・公表に戻る").click()
    page.wait_for_url("**/staff/years/")
    assert run_axe(page) == []
