"""Coverage of a year's figures before every item is rated: 評価済み n／N and 「暫定」 marks.

Plan 2.0 令和8年度 with 3 of its 11 items rated: 町民サービスの向上 both (complete),
セキュリティ対策の徹底 one of two (100% resting on one item), the rest none.
"""

import csv
import io
import json

import pytest
from django.contrib.auth.models import Group, User

from actions import services
from actions.models import ActionItem, Status, YearlyStatus
from actions.permissions import STAFF_GROUP
from plans.models import Plan, Section
from plans.versions import data_changed
from tests.html_tables import table

PLAN = "nakai-dx-2.0"
YEAR = 2026
DRAFT_URL = f"/?plan={PLAN}&year={YEAR}"
AREA_TABLE = "重点施策区分ごとの取組数と達成度"

pytestmark = pytest.mark.django_db


@pytest.fixture
def partly_rated(town_data):
    items = {item.code: item for item in ActionItem.objects.filter(plan__slug=PLAN)}
    rated = {"1": Status.ACHIEVED, "2": Status.NOT_ACHIEVED, "5": Status.PARTIALLY_ACHIEVED}
    YearlyStatus.objects.bulk_create(
        [
            YearlyStatus(item=items[code], fiscal_year=YEAR, status=status, state="entered")
            for code, status in rated.items()
        ]
    )
    data_changed(Plan.objects.get(slug=PLAN), [YEAR])  # a bulk write sends no signal
    return Plan.objects.get(slug=PLAN)


@pytest.fixture
def staff_client(client):
    user = User.objects.create_user("shokuin", password="x")
    user.groups.add(Group.objects.get_or_create(name=STAFF_GROUP)[0])
    client.force_login(user)
    return client


def _published_with_gaps(plan):
    services.lock_year(plan, YEAR, reason="未評価の8件は翌年度に評価する")
    services.publish_year(plan, YEAR, reason="未評価の8件は翌年度に評価する")


def test_a_draft_year_shows_coverage_beside_each_area_rate(staff_client, partly_rated):
    html = staff_client.get(DRAFT_URL).content.decode()
    areas = table(html, AREA_TABLE)
    assert areas.columns[7:9] == ["達成度", "評価済み"]
    rows = {row["区分"]: (row["達成度"], row["評価済み"]) for row in areas.rows()}
    assert rows == {
        "1. 町民サービスの向上": ("50.0%", "2／2"),
        "2. 行政事務の効率化": ("—", "0／2"),
        "3. セキュリティ対策の徹底": ("100.0% 暫定", "1／2"),
        "4. デジタルデバイド対策": ("—", "0／2"),
        "5. 地域社会のデジタル化": ("—", "0／2"),
        "6. 防災DXの推進（追加）": ("—", "0／1"),
    }
    pooled = areas.row("合計（全取組を合算した達成度）", "foot")
    assert (pooled["達成度"], pooled["評価済み"]) == ("66.7% 暫定", "3／11")
    assert areas.row("区分別達成度の平均（単純平均）", "foot")["達成度"] == "75.0% 暫定"
    assert "評価済みの取組は 3／11件です。" in html
    figure = {row["区分"]: row["達成度"] for row in table(html, "図1の数値").rows()}
    assert figure["セキュリティ対策の徹底"] == "100.0% 暫定"


def test_sections_show_their_coverage_too(staff_client, partly_rated):
    north, south = Section.objects.create(name="北課"), Section.objects.create(name="南課")
    items = ActionItem.objects.filter(plan=partly_rated)
    items.filter(code__in=["1", "2"]).update(section=north)
    items.exclude(code__in=["1", "2"]).update(section=south)
    data_changed(partly_rated)  # a bulk update sends no signal
    sections = table(staff_client.get(DRAFT_URL).content.decode(), "担当課ごとの取組数と達成度")
    rows = {row["担当課"]: (row["達成度"], row["評価済み"]) for row in sections.rows()}
    assert rows == {"北課": ("50.0%", "2／2"), "南課": ("100.0% 暫定", "1／9")}


def test_a_fully_rated_published_year_carries_no_marks(client, town_data):
    html = client.get("/").content.decode()
    areas = table(html, AREA_TABLE)
    assert "評価済み" not in areas.columns
    assert "暫定" not in html


def test_a_year_published_with_gaps_keeps_its_marks_for_the_public(client, partly_rated):
    _published_with_gaps(partly_rated)
    html = client.get(DRAFT_URL).content.decode()
    areas = table(html, AREA_TABLE)
    assert areas.row("3. セキュリティ対策の徹底")["達成度"] == "100.0% 暫定"
    assert areas.row("3. セキュリティ対策の徹底")["評価済み"] == "1／2"
    assert areas.row("1. 町民サービスの向上")["達成度"] == "50.0%"
    assert "評価済みの取組は 3／11件です。" in html


def test_the_area_page_shows_the_coverage_of_its_rate(staff_client, partly_rated):
    html = staff_client.get(f"/plans/{PLAN}/areas/3/?year={YEAR}").content.decode()
    assert "評価済み 1／2" in html
    counts = table(html, "セキュリティ対策の徹底の達成状況の件数（令和8年度（2026年度））")
    assert counts.row("達成度", "foot")["件数"] == "100.0% 暫定"


def test_the_trend_table_marks_the_provisional_year(staff_client, partly_rated):
    YearlyStatus.objects.bulk_create(
        [
            YearlyStatus(item=item, fiscal_year=YEAR + 1, status=Status.ACHIEVED)
            for item in ActionItem.objects.filter(plan=partly_rated)
        ]
    )
    data_changed(partly_rated, [YEAR + 1])  # a bulk write sends no signal
    trend = table(staff_client.get(DRAFT_URL).content.decode(), "図3の数値")
    assert trend.body == [
        ["令和8年度（2026年度） 未公表（下書き）", "66.7% 暫定", "75.0% 暫定", "3／11"],
        ["令和9年度（2027年度） 未公表（下書き）", "100.0%", "100.0%", "11／11"],
    ]


def test_open_data_carries_the_evaluated_count_beside_each_rate(client, partly_rated):
    _published_with_gaps(partly_rated)
    text = client.get(f"/opendata/achievement.csv?plan={PLAN}").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    by_area = {
        row["重点施策区分"]: (row["評価済み"], row["取組数"], row["達成度"], row["暫定"])
        for row in rows
    }
    assert by_area == {
        "町民サービスの向上": ("2", "2", "50.0", "0"),
        "行政事務の効率化": ("0", "2", "", ""),
        "セキュリティ対策の徹底": ("1", "2", "100.0", "1"),
        "デジタルデバイド対策": ("0", "2", "", ""),
        "地域社会のデジタル化": ("0", "2", "", ""),
        "防災DXの推進": ("0", "1", "", ""),
    }
    document = json.loads(client.get(f"/opendata/achievement.json?plan={PLAN}&year={YEAR}").content)
    security = document["areas"][2]
    assert (
        security["evaluated"],
        security["total"],
        security["rate"],
        security["provisional"],
    ) == (
        1,
        2,
        100.0,
        True,
    )
    assert (document["overall"]["evaluated"], document["overall"]["provisional"]) == (3, True)


def test_the_open_data_page_describes_the_new_columns(client, town_data):
    html = client.get("/opendata/").content.decode()
    columns = [row["項目名"] for row in table(html, "CSV の項目").rows()]
    assert columns[-3:] == ["評価済み", "達成度", "暫定"]
    assert "<code>evaluated</code>" in html and "<code>provisional</code>" in html


def test_figure_1_hatches_and_labels_a_provisional_rate(partly_rated):
    from reports import charts
    from reports.achievement import compute_achievement

    (bars,) = charts.area_rates(compute_achievement(partly_rated, YEAR))["data"]
    assert bars["text"] == [
        "50.0%",
        "評価なし",
        "100.0%（暫定）",
        "評価なし",
        "評価なし",
        "評価なし",
    ]
    assert bars["marker"]["pattern"]["shape"] == ["", "", "/", "", "", ""]


def test_the_trend_chart_does_not_plot_a_partial_year_as_final(partly_rated):
    from reports import charts
    from reports.achievement import compute_achievements

    YearlyStatus.objects.bulk_create(
        [
            YearlyStatus(item=item, fiscal_year=YEAR + 1, status=Status.ACHIEVED)
            for item in ActionItem.objects.filter(plan=partly_rated)
        ]
    )
    data_changed(partly_rated, [YEAR + 1])  # a bulk write sends no signal
    by_year = compute_achievements(partly_rated, [YEAR, YEAR + 1])
    figure = charts.year_trend([by_year[YEAR], by_year[YEAR + 1]])
    pooled = figure["data"][0]
    assert pooled["x"] == ["令和8年度<br>（暫定 3／11）", "令和9年度"]
    assert pooled["marker"]["symbol"] == ["circle-open", "circle"]


def test_the_command_says_when_the_rates_are_provisional(partly_rated):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("achievement", plan=PLAN, year=str(YEAR), stdout=out)
    assert "評価済み 3／11：達成度は評価済みの取組だけで計算した暫定の値です。" in out.getvalue()
    out = io.StringIO()
    call_command("achievement", plan="nakai-dx-1.0", year="2025", stdout=out)
    assert "暫定" not in out.getvalue()
