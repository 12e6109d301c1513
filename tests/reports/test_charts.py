"""The charts' JSON: names broken between phrases, readable counts, trend labels apart,
draft years marked, 「評価なし」 for an area without a rated item."""

import json
import re

import pytest

from actions import services
from actions.models import ActionItem
from plans.models import Plan
from reports import charts
from reports.achievement import compute_achievement, compute_achievements
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, set_statuses

pytestmark = pytest.mark.django_db

TOWN_AREAS = [
    "1. 町民サービスの向上",
    "2. 行政事務の効率化",
    "3. セキュリティ対策の徹底",
    "4. デジタルデバイド対策",
    "5. 地域社会のデジタル化",
]


def _chart(html, chart_id):
    data = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(data.group(1))


def _town_2025():
    return compute_achievement(Plan.objects.get(slug="nakai-dx-1.0"), 2025)


def test_long_names_break_between_phrases_never_inside_a_word():
    assert charts._wrap("セキュリティ対策の徹底", width=8) == ["セキュリティ対策の", "徹底"]
    assert charts._wrap("地域社会のデジタル化", width=8) == ["地域社会の", "デジタル化"]
    assert charts._wrap("町民サービスの向上", width=8) == ["町民サービスの", "向上"]


@pytest.mark.parametrize("build", [charts.area_rates, charts.status_counts])
def test_area_names_stand_whole_above_the_bars(town_data, build):
    figure = build(_town_2025())
    names = [a["text"] for a in figure["layout"]["annotations"] if a.get("xref") == "paper"]
    assert names == TOWN_AREAS
    # The names take no room beside the bars.
    assert figure["layout"]["yaxis"]["showticklabels"] is False


def test_status_counts_sit_on_a_white_ground_and_every_count_is_labelled(town_data):
    achievement = _town_2025()
    figure = charts.status_counts(achievement)
    counts = [a for a in figure["layout"]["annotations"] if a.get("xref") != "paper"]
    assert all(a["bgcolor"] == "#ffffff" and a["font"]["color"] == charts.TEXT for a in counts)
    assert all(trace["textposition"] == "none" for trace in figure["data"])
    expected = sorted(
        count
        for result in achievement.areas
        for count in (
            result.counts.achieved,
            result.counts.partially_achieved,
            result.counts.not_achieved,
            result.counts.undeterminable,
        )
        if count
    )
    assert sorted(int(a["text"]) for a in counts) == expected
    # 町民サービスの向上: 6 達成, 1 一部達成, 1 未達成 → the labels sit mid-segment.
    first_row = sorted(a["x"] for a in counts if a["y"] == "1. 町民サービスの向上")
    assert first_row == [3, 6.5, 7.5]


def test_an_area_without_a_rated_item_says_so_instead_of_an_empty_bar(town_data):
    admin = make_user("kanri", "admin")
    plan = Plan.objects.get(slug="nakai-dx-1.0")
    first = ActionItem.objects.filter(plan=plan, primary_area__number=1).first()
    services.record_status(first, 2024, status="achieved", user=admin)
    trace = charts.area_rates(compute_achievement(plan, 2024))["data"][0]
    # One of the area's eight items rated: the rate says it is provisional.
    assert trace["text"] == ["100.0%（暫定）", "評価なし", "評価なし", "評価なし", "評価なし"]
    assert trace["x"] == [100.0, 0, 0, 0, 0]


def test_the_trend_puts_each_years_higher_label_above_and_marks_draft_years(town_data):
    admin = make_user("kanri", "admin")
    plan = Plan.objects.get(slug="nakai-dx-1.0")
    for item in ActionItem.objects.filter(plan=plan):
        services.record_status(item, 2024, status="achieved", user=admin)
    by_year = compute_achievements(plan, [2024, 2025])
    figure = charts.year_trend([by_year[2024], by_year[2025]], draft_years={2024})
    pooled, mean = figure["data"]
    assert pooled["x"] == ["令和6年度<br>（未公表）", "令和7年度"]
    # 2024: both 100.0 → one above, one below. 2025: pooled 60.0 < mean 63.3.
    assert pooled["textposition"] == ["top center", "bottom center"]
    assert mean["textposition"] == ["bottom center", "top center"]
    assert pooled["text"] == ["100.0%", "60.0%"] and mean["text"] == ["100.0%", "63.3%"]
    assert pooled["marker"]["symbol"] == ["circle-open", "circle"]
    assert mean["marker"]["symbol"] == ["square-open", "square"]


def test_the_dashboard_marks_draft_years_in_the_trend_for_staff(client, town_data):
    admin = make_user("kanri", "admin")
    plan = Plan.objects.get(slug="nakai-dx-1.0")
    services.record_status(plan.items.first(), 2024, status="achieved", user=admin)
    client.force_login(admin)
    html = client.get("/?plan=nakai-dx-1.0&year=2025").content.decode()
    trend = _chart(html, "chart-trend-data")
    # One item of thirty rated in 2024: a draft, and provisional.
    assert trend["data"][0]["x"] == ["令和6年度<br>（未公表）<br>（暫定 1／30）", "令和7年度"]
    table = html[html.index("図3の数値") : html.index("</table>", html.index("図3の数値"))]
    assert '令和6年度（2024年度） <span class="tag tag--draft">未公表（下書き）</span>' in table
    assert "令和7年度（2025年度）</th>" in table


def test_the_status_caption_names_every_pattern_including_not_evaluated(client, town_data):
    html = client.get("/").content.decode()
    caption = html[html.index("図2　") : html.index("</figcaption>", html.index("図2　"))]
    for words in ("一部達成＝斜線", "未達成＝×", "判定不可＝点", "未評価＝横線"):
        assert words in caption


# --- count axes tick whole numbers --------------------------------------------------------


def _is_whole_number_axis(axis):
    return (
        axis.get("tickformat") == "d"
        and axis.get("tick0") == 0
        and isinstance(axis.get("dtick"), int)
        and axis["dtick"] >= 1
    )


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_each_area_pages_count_axis_ticks_whole_numbers(town_data, number):
    result = next(r for r in _town_2025().areas if r.area.number == number)
    axis = charts.area_status_counts(result)["layout"]["yaxis"]
    assert axis["title"]["text"] == "取組数（件）"
    assert _is_whole_number_axis(axis)


def test_an_area_of_one_item_ticks_0_and_1_not_fifths(db):
    plan = make_plan()
    (item,) = make_items(plan, plan.areas.first(), 1)
    set_statuses([item], 2025, "achieved")
    result = compute_achievement(plan, 2025).areas[0]
    assert max(result.counts.achieved, result.counts.total) == 1
    axis = charts.area_status_counts(result)["layout"]["yaxis"]
    assert axis["dtick"] == 1 and axis["tick0"] == 0 and axis["tickformat"] == "d"


def test_an_area_without_items_ticks_0_and_1_not_minus_1_to_1(db):
    plan = make_plan()  # two areas, no items yet
    achievement = compute_achievement(plan, 2025)
    axis = charts.status_counts(achievement)["layout"]["xaxis"]
    assert _is_whole_number_axis(axis) and axis["range"] == [0, 1]
    area_axis = charts.area_status_counts(achievement.areas[0])["layout"]["yaxis"]
    assert _is_whole_number_axis(area_axis) and area_axis["range"] == [0, 1]


def test_the_dashboards_count_axis_ticks_whole_numbers(town_data):
    axis = charts.status_counts(_town_2025())["layout"]["xaxis"]
    assert _is_whole_number_axis(axis)
