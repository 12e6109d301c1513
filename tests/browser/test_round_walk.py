"""The whole yearly round in a browser, on a fresh database with the town's data.

The admin opens 令和8年度 of plan 2.0 with a deadline; two staff of different
sections record and submit; their 課長 sends one back with a reason and
approves the other; the staff fix and resubmit; the 課長 approves; the
manager sees the board reach 100 %, locks through the confirmation page and
publishes; the public dashboard shows the year.
"""

import datetime
import re

import pytest
from django.utils import timezone

from actions import services
from actions.models import ActionItem, AuditEntry, EvaluationState, EvaluationYear, YearlyStatus
from plans.versions import data_changed
from tests.actions.staff_users import make_user
from tests.browser.conftest import PageWatcher, run_axe
from tests.browser.people import Person
from tests.factories import make_section

PLAN = "nakai-dx-2.0"
YEAR = 2026
PASSWORD = "round-walk-browser-2026"


@pytest.fixture
def office(live_town_data):
    """Two sections with one item each for the walk; the rest of plan 2.0 already approved."""
    items = list(ActionItem.objects.filter(plan__slug=PLAN).select_related("plan"))
    first, second, *rest = items
    a, b, c = make_section("総務課"), make_section("福祉課"), make_section("その他の課")
    ActionItem.objects.filter(pk=first.pk).update(section=a)
    ActionItem.objects.filter(pk=second.pk).update(section=b)
    ActionItem.objects.filter(pk__in=[item.pk for item in rest]).update(section=c)
    data_changed(first.plan)  # bulk updates send no signal
    users = {
        "admin": make_user("kanri", "admin", password=PASSWORD),
        "manager": make_user("honbu", "manager", password=PASSWORD),
        "staff_a": make_user("sato", "staff", [a], password=PASSWORD),
        "staff_b": make_user("tanaka", "staff", [b], password=PASSWORD),
        "head": make_user("kacho", "section_head", [a, b], password=PASSWORD),
    }
    # The other sections finished their part of the round before the walk starts.
    staff_c = make_user("suzuki", "staff", [c])
    head_c = make_user("kacho_c", "section_head", [c])
    for item in ActionItem.objects.filter(section=c).select_related("plan"):
        services.record_status(item, YEAR, status="achieved", user=staff_c)
    rest = list(ActionItem.objects.filter(section=c).select_related("plan", "section"))
    services.submit_items([services.MoveEntry(i, YEAR) for i in rest], user=staff_c)
    services.approve_items([services.MoveEntry(i, YEAR) for i in rest], user=head_c)
    first.refresh_from_db()
    second.refresh_from_db()
    return {"first": first, "second": second, "total": len(items), **users}


def _body_cells(table):
    return [row.locator("td").all_inner_texts() for row in table.locator("tbody tr").all()]


def _state(item):
    return YearlyStatus.objects.get(item=item, fiscal_year=YEAR).state


def _record_and_submit(person, item, status_label, comment):
    page = person.page
    assert "締切まであと14日：未入力 1件" in page.locator(".notice--round").inner_text()
    page.get_by_role("link", name=re.compile(rf"記録する\s*（{re.escape(item.title)}）")).click()
    assert run_axe(page) == []
    page.get_by_label(status_label, exact=True).check()
    page.get_by_label("備考（公開）").fill(comment)
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url("**/staff/items/?*")
    assert "評価を保存しました" in person.message()
    page.get_by_role("button", name=re.compile(rf"提出する\s*（{re.escape(item.title)}）")).click()
    page.wait_for_url("**/staff/items/?*")
    assert f"「{item.title}」を提出しました。" in person.message()


def test_the_whole_round_from_opening_to_the_public_dashboard(browser, live_server, office):
    first, second = office["first"], office["second"]
    deadline = timezone.localdate() + datetime.timedelta(days=14)

    # 1. The admin opens 令和8年度 of plan 2.0 with a deadline, on the progress board.
    admin = Person(browser, live_server, office["admin"], PASSWORD)
    page = admin.page
    page.wait_for_url("**/staff/progress/")
    page.get_by_label("計画", exact=True).select_option(PLAN)
    page.get_by_label("年度", exact=True).select_option(str(YEAR))
    page.get_by_role("button", name="表示").click()
    page.get_by_label("締切日", exact=True).fill(deadline.isoformat())
    page.get_by_role("button", name="令和8年度（2026年度）の評価作業を開始する").click()
    assert "令和8年度（2026年度）の評価作業を開始しました" in admin.message()
    label = services.deadline_label(deadline)
    assert f"評価作業中：締切日 {label}まであと14日" in page.locator(".round-state").inner_text()
    assert run_axe(page) == []
    admin.close()

    # 2. Two staff of different sections record and submit their items.
    staff_a = Person(browser, live_server, office["staff_a"], PASSWORD)
    _record_and_submit(staff_a, first, "達成", "窓口で運用を始めました。")
    staff_b = Person(browser, live_server, office["staff_b"], PASSWORD)
    _record_and_submit(staff_b, second, "一部達成", "一部の課で試行中です。")
    assert run_axe(staff_b.page) == []
    staff_b.close()
    assert (_state(first), _state(second)) == (EvaluationState.SUBMITTED,) * 2

    # 3. Their 課長 sends the first back with a reason and approves the second.
    head = Person(browser, live_server, office["head"], PASSWORD)
    page = head.page
    assert "承認待ち 2件" in page.locator(".notice--round").inner_text()
    page.get_by_role("link", name="承認待ち", exact=True).first.click()
    page.wait_for_url("**/staff/approvals/**")
    assert run_axe(page) == []
    page.get_by_role("link", name=re.compile(rf"差し戻す\s*（{re.escape(first.title)}）")).click()
    assert run_axe(page) == []
    page.get_by_role("button", name="差し戻す").click()  # no reason: refused, nothing changes
    assert "差し戻す理由を入力してください" in page.locator(".form-errors").inner_text()
    assert _state(first) == EvaluationState.SUBMITTED
    head.took_refusal()
    page.get_by_label(re.compile("差し戻す理由")).fill(
        "利用件数の実績値を根拠メモに書いてください。"
    )
    page.get_by_role("button", name="差し戻す").click()
    page.wait_for_url("**/staff/approvals/**")
    assert f"「{first.title}」を差し戻しました。" in head.message()
    page.get_by_role(
        "button", name=re.compile(rf"承認する\s*（{re.escape(second.title)}）")
    ).click()
    assert f"「{second.title}」を承認しました。" in head.message()
    assert (_state(first), _state(second)) == (
        EvaluationState.RETURNED,
        EvaluationState.APPROVED,
    )

    # 4. The first staff member sees the reason, fixes the item and submits again.
    page = staff_a.page
    staff_a.go("/staff/items/")
    row = page.locator("tr", has_text=first.title)
    assert "利用件数の実績値を根拠メモに書いてください。" in row.inner_text()
    row.get_by_role("link", name=re.compile("記録する")).click()
    assert "差し戻されました。理由" in page.content()
    page.get_by_label("根拠・内部メモ（非公開）").fill("利用件数 1,204件（窓口システムの集計）")
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url("**/staff/items/?*")
    page.get_by_role("button", name=re.compile(rf"提出する\s*（{re.escape(first.title)}）")).click()
    assert f"「{first.title}」を提出しました。" in staff_a.message()
    staff_a.close()

    # 5. The 課長 approves it (ticked, then the bulk button).
    page = head.page
    head.go("/staff/approvals/")
    page.get_by_label(f"選ぶ（{first.title}）").check()
    page.get_by_role("button", name=re.compile("選んだ取組を承認する")).click()
    # A summary first (count, sections), then one confirmation.
    page.wait_for_url("**/staff/approvals/approve/")
    assert "1件の取組を承認します" in page.locator("main").inner_text()
    assert run_axe(page) == []
    page.get_by_role("button", name="1件を承認する").click()
    assert f"「{first.title}」を承認しました。" in head.message()
    assert page.get_by_text("承認待ちの取組はありません。").is_visible()
    head.close()

    # 6. The manager lands on the board, which has reached 100 %.
    manager = Person(browser, live_server, office["manager"], PASSWORD)
    page = manager.page
    page.wait_for_url("**/staff/progress/")
    total = office["total"]
    meter = page.locator(".round-meter").inner_text()
    assert f"承認済み {total}／{total}件（100.0%）" in meter
    assert run_axe(page) == []
    assert list(
        AuditEntry.objects.filter(item=first).order_by("id").values_list("action", flat=True)
    ) == ["達成状況の記録", "提出", "差戻し", "達成状況の記録", "提出", "承認"]

    # 7. The manager locks the year through its confirmation page, then publishes it.
    page.get_by_role("link", name="年度の確定・公表").click()
    page.get_by_role("link", name=re.compile(r"^確定する…\s*（令和8年度")).click()
    page.wait_for_url(f"**/staff/years/{PLAN}/{YEAR}/lock/")
    assert f"すべての取組（{total}件）の評価が承認されています。" in page.content()
    page.get_by_label("上の内容を確認しました。この年度の評価を確定します。").check()
    page.get_by_role("button", name="確定する").click()
    page.wait_for_url("**/staff/years/")
    assert "評価を確定しました" in manager.message()
    page.get_by_role("link", name=re.compile(r"^公表する…\s*（令和8年度")).click()
    page.wait_for_url(f"**/staff/years/{PLAN}/{YEAR}/publish/")
    page.get_by_label("上の内容を確認しました。この年度の評価を公表します。").check()
    page.get_by_role("button", name="公表する").click()
    page.wait_for_url("**/staff/years/")
    evaluation = EvaluationYear.objects.get(plan__slug=PLAN, fiscal_year=YEAR)
    assert (evaluation.is_locked, evaluation.is_published) == (True, True)
    manager.close()

    # 8. The public dashboard shows the year: every item rated, no draft, nothing provisional.
    public = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = public.new_page()
    watcher = PageWatcher(page, live_server.url)
    page.goto(f"{live_server.url}/?plan={PLAN}&year={YEAR}")
    assert page.get_by_role("heading", name="全体の達成度（令和8年度（2026年度））").is_visible()
    content = page.content()
    assert "未公表（下書き）" not in content and "暫定" not in content
    areas = page.get_by_role("table", name=re.compile("重点施策区分ごとの取組数と達成度"))
    unrated = [cells[5] for cells in _body_cells(areas)]
    assert unrated and set(unrated) == {"0"}  # 未評価: none in any area
    area = second.primary_area
    row = areas.locator(f'tr:has(th a[href^="{area.get_absolute_url()}"])')
    cells = row.locator("td").all_inner_texts()
    listed = ActionItem.objects.in_area(area).count()
    # 取組数, 達成, 一部達成, 未達成, 判定不可, 未評価, 達成度: the 課長's 一部達成 is there.
    assert cells[:7] == [str(listed), str(listed - 1), "1", "0", "0", "0", "100.0%"]
    assert run_axe(page) == []
    watcher.assert_clean()
    public.close()
