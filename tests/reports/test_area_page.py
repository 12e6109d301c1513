import csv
import io

import openpyxl
import pytest

from tests.reports.helpers import build_plan

pytestmark = pytest.mark.django_db

AREA = "/plans/nakai-dx-1.0/areas/2/"


def test_it_lists_the_areas_items_with_text_badges_and_counts(client, town_data):
    response = client.get(AREA)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>2. 行政事務の効率化" in html
    assert "令和7年度（2025年度）" in html
    assert "66.7%" in html
    assert '<span class="badge badge--achieved">達成</span>' in html
    assert '<span class="badge badge--partially_achieved">一部達成</span>' in html
    assert '<span class="badge badge--not_achieved">未達成</span>' in html
    assert "生成AIガイドライン策定 生成AI導入" in html
    assert "達成度 =（達成＋一部達成）÷ 取組数" in html


def test_the_items_table_has_a_caption_column_scopes_and_aria_sort(client, town_data):
    html = client.get(AREA).content.decode()
    assert "<caption>行政事務の効率化の取組と令和7年度（2025年度）の達成状況</caption>" in html
    assert html.count('<th scope="col"') >= 5
    assert 'aria-sort="ascending"' in html


def test_it_sorts_by_status_in_the_order_of_the_rule(client, town_data):
    html = client.get(AREA + "?sort=-status").content.decode()
    table = html[html.index("取組の一覧") :]
    assert 'aria-sort="descending"' in table
    assert table.index("badge--not_achieved") < table.index("badge--partially_achieved")
    assert table.index("badge--partially_achieved") < table.index("badge--achieved")


def test_placeholder_items_are_labelled_as_unnamed(client, town_data):
    html = client.get(AREA).content.decode()
    assert '<span class="tag tag--placeholder">名称未公表</span>' in html


def test_relisted_items_are_marked(client, db):
    build_plan(10)
    html = client.get("/plans/big-plan/areas/2/").content.decode()
    assert html.count('<span class="tag tag--relisted">再掲</span>') == 2
    assert "主な区分: 区分A" in html


def test_it_paginates_in_japanese(client, db):
    build_plan(120)
    html = client.get("/plans/big-plan/areas/1/").content.decode()
    assert "60件中 1～25件目を表示" in html
    assert "次のページ" in html
    assert 'aria-current="page">1</a>' in html


def test_it_exports_the_table_as_csv_with_a_bom_and_a_japanese_file_name(client, town_data):
    response = client.get(AREA + "?year=2025&_export=csv")
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["番号", "取組名", "再掲", "達成状況", "備考", "主な区分", "名称の公表"]
    assert len(rows) == 10
    assert rows[1][3] == "達成"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert "%E8%A1%8C%E6%94%BF" in response["Content-Disposition"]


def test_it_exports_the_table_as_xlsx(client, town_data):
    response = client.get(AREA + "?_export=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet.cell(1, 2).value == "取組名"
    assert sheet.max_row == 10


def test_an_unknown_area_is_a_japanese_404(client, town_data):
    response = client.get("/plans/nakai-dx-1.0/areas/9/")
    assert response.status_code == 404
    assert "区分番号 9 の重点施策区分はありません" in response.content.decode()


def test_an_area_of_a_plan_without_evaluations_shows_no_rate(client, town_data):
    html = client.get("/plans/nakai-dx-2.0/areas/6/").content.decode()
    assert "評価がまだありません" in html
    assert "0.0%" not in html
    assert "災害時を想定したGIS活用訓練" in html


@pytest.mark.parametrize("item_count", [10, 1000])
def test_the_area_page_query_count_does_not_grow_with_the_items(
    client, item_count, django_assert_num_queries
):
    build_plan(item_count)
    # 10 for the page (the figures read the status tallies, and the table is counted from
    # them) and 1 for the data versions its cached figures are keyed by.
    with django_assert_num_queries(12):
        response = client.get("/plans/big-plan/areas/1/?year=2025")
    assert response.status_code == 200
    with django_assert_num_queries(0):  # served again whole from the cache
        client.get("/plans/big-plan/areas/1/?year=2025")


def test_a_plan_2_0_area_says_the_plan_counts_27_items_and_lists_what_the_review_states(
    client, town_data
):
    html = client.get("/plans/nakai-dx-2.0/areas/6/").content.decode()
    assert (
        "計画書の取組数は計画全体で27個（再掲分含む）で、重点施策区分ごとの数は公表されていません。"
        in html
    )
    assert "登録されている取組（計画全体で11件）" in html
    assert (
        "<dt>国計画との整合（計画書）</dt><dd>オープンデータ・官民データ活用の推進 等</dd>" in html
    )
    assert '<a href="/plans/nakai-dx-2.0/#wellbeing-1">よく暮らす</a>' in html


def test_a_plan_1_0_area_whose_counts_match_the_review_adds_no_note(client, town_data):
    html = client.get(AREA).content.decode()
    assert "item-count-note" not in html
    assert "国計画" not in html


def test_the_relisted_column_shows_only_where_the_area_lists_relisted_items(client):
    build_plan(8)
    relisting = client.get("/plans/big-plan/areas/2/?year=2025").content.decode()
    assert ">再掲<" in relisting and "主な区分: 区分A" in relisting
    plain = client.get("/plans/big-plan/areas/1/?year=2025").content.decode()
    table = plain[plain.index("取組の一覧") : plain.index("</table>")]
    assert "再掲" not in table and "掲載" not in table
