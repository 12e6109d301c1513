import pytest

from tests.reports.helpers import build_plan

pytestmark = pytest.mark.django_db


def test_the_plan_index_lists_both_versions(client, town_data):
    html = client.get("/plans/").content.decode()
    assert 'href="/plans/nakai-dx-1.0/"' in html
    assert 'href="/plans/nakai-dx-2.0/"' in html
    assert "令和5年8月～令和10年度末" in html


def test_the_plan_page_shows_the_philosophy_and_the_five_policies(client, town_data):
    html = client.get("/plans/nakai-dx-2.0/").content.decode()
    assert "基本理念" in html
    assert "共創と協創～誰もがデジタルの恩恵を享受するまちづくり～" in html
    for policy in (
        "意識改革",
        "全員で進める",
        "スモールスタート",
        "迅速かつ柔軟に",
        "運用の継続性",
    ):
        assert policy in html


def test_the_plan_page_lists_six_areas_with_the_added_one_marked(client, town_data):
    html = client.get("/plans/nakai-dx-2.0/").content.decode()
    areas = html[html.index('id="areas-heading"') : html.index('id="wellbeing-heading"')]
    assert areas.count('<th scope="row">') == 6
    assert '防災DXの推進</a> <span class="tag tag--added">追加</span>' in areas
    assert "フロントヤード改革、eL-QR対応 等" in areas
    assert "オープンデータ・官民データ活用の推進 等" in areas


def test_the_plan_page_has_the_wellbeing_table(client, town_data):
    html = client.get("/plans/nakai-dx-2.0/").content.decode()
    table = html[html.index('id="wellbeing-heading"') : html.index('id="items-heading"')]
    for direction in ("よく暮らす", "よく働く", "よく学ぶ", "よい心身", "よい繋がり", "よい行政"):
        assert f'<th scope="row">{direction}</th>' in table
    assert 'id="wellbeing-6"' in table
    assert "災害時を想定したGIS活用訓練" in table


def test_the_plan_page_says_what_changed_from_1_0(client, town_data):
    html = client.get("/plans/nakai-dx-2.0/").content.decode()
    changes = html[html.index('id="changes-heading"') : html.index('id="areas-heading"')]
    assert "1.0版からの変更点" in changes
    assert "<td>30個</td>" in changes
    assert "27個" in changes
    assert "令和5年8月～令和7年度末" in changes
    assert "令和5年8月～令和10年度末" in changes
    assert "延長" in changes
    assert "6区分（「防災DXの推進」を追加）" in changes


def test_the_plan_1_0_page_points_to_its_revision(client, town_data):
    html = client.get("/plans/nakai-dx-1.0/").content.decode()
    assert 'href="/plans/nakai-dx-2.0/"' in html
    assert "令和7年度末" in html
    assert "名称未公表" in html


def test_an_unknown_plan_is_a_japanese_404(client, town_data):
    response = client.get("/plans/nakai-dx-3.0/")
    assert response.status_code == 404
    assert "計画ID「nakai-dx-3.0」の計画は登録されていません。" in response.content.decode()


@pytest.mark.parametrize("item_count", [10, 1000])
def test_the_plan_pages_query_counts_do_not_grow_with_the_items(
    client, item_count, django_assert_num_queries
):
    build_plan(item_count)
    with django_assert_num_queries(1):
        client.get("/plans/")
    with django_assert_num_queries(7):
        client.get("/plans/big-plan/")
