import pytest

from plans.models import TimelineEvent
from tests.reports.helpers import build_plan

pytestmark = pytest.mark.django_db


def test_the_timeline_groups_events_by_fiscal_year_in_wareki_with_western_years(client, town_data):
    html = client.get("/timeline/").content.decode()
    assert "平成30年度（2018年度）" in html
    assert "令和7年度（2025年度）" in html
    assert "平成30年7月（2018年7月）" in html
    assert "令和8年3月（2026年3月）" in html
    assert html.index("平成30年度（2018年度）") < html.index("令和7年度（2025年度）")


def test_the_timeline_filters_by_area(client, town_data):
    html = client.get("/timeline/", {"area": "防災DXの推進"}).content.decode()
    assert "「防災DXの推進」の取組 4件を表示しています。" in html
    assert "公衆Wi-Fiスポットの整備・運用開始" in html
    assert "コンビニ交付サービス開始" not in html
    assert '<option value="防災DXの推進" selected>' in html


def test_the_timeline_filters_the_other_events(client, town_data):
    html = client.get("/timeline/", {"area": "その他"}).content.decode()
    assert "DX担当部署として総務課 情報班を新設" in html
    assert "コンビニ交付サービス開始" not in html


def test_an_unknown_area_filter_is_a_japanese_404(client, town_data):
    response = client.get("/timeline/", {"area": "存在しない区分"})
    assert response.status_code == 404
    assert "重点施策区分「存在しない区分」の主な取組はありません。" in response.content.decode()


@pytest.mark.parametrize("item_count", [10, 1000])
def test_the_timeline_query_count_does_not_grow_with_the_items(
    client, town_data, item_count, django_assert_num_queries
):
    plan = build_plan(item_count)
    TimelineEvent.objects.order_by("occurred_on").first().items.add(*plan.items.all())
    with django_assert_num_queries(5):
        response = client.get("/timeline/")
    assert response.content.decode().count("（1.0版）</a>") >= item_count


def test_items_linked_to_an_event_are_marked_as_the_towns_assignment(client, town_data):
    html = client.get("/timeline/").content.decode()
    assert "関連する取組（町による対応付け）：" in html
    assert "関連する取組：" not in html
