import pytest
from django.contrib.auth.models import Group, User

from actions.models import ActionItem, KpiActual, YearlyStatus
from actions.permissions import STAFF_GROUP
from tests.reports.helpers import build_plan

pytestmark = pytest.mark.django_db

ITEM = "/plans/nakai-dx-1.0/items/1/"


@pytest.fixture
def with_evidence(town_data):
    YearlyStatus.objects.filter(item__plan__slug="nakai-dx-1.0", item__code="1").update(
        evidence="内部メモ：交付窓口の集計表より"
    )


def test_it_shows_the_status_by_year_with_the_public_comment(client, town_data):
    response = client.get(ITEM)
    html = response.content.decode()
    assert response.status_code == 200
    assert "マイナンバーカード交付率" in html
    assert "令和7年度（2025年度）" in html
    assert '<span class="badge badge--achieved">達成</span>' in html
    assert "交付率 74%→100%" in html


def test_it_never_shows_the_internal_evidence_to_the_public(client, with_evidence):
    html = client.get(ITEM).content.decode()
    assert "内部メモ：交付窓口の集計表より" not in html
    assert "根拠・内部メモ" not in html


def test_staff_see_the_internal_evidence(client, with_evidence):
    user = User.objects.create_user("shokuin", password="x")
    user.groups.add(Group.objects.get_or_create(name=STAFF_GROUP)[0])
    client.force_login(user)
    html = client.get(ITEM).content.decode()
    assert "内部メモ：交付窓口の集計表より" in html


def test_it_charts_the_kpi_with_its_baseline_and_actuals(client, town_data):
    html = client.get(ITEM).content.decode()
    assert "指標（KPI）" in html
    assert 'id="chart-kpi-1-data"' in html
    assert "基準値" in html
    assert "74%" in html
    assert "100%" in html


def test_it_hides_statuses_and_actuals_of_unpublished_years(client, town_data):
    item = ActionItem.objects.get(plan__slug="nakai-dx-1.0", code="1")
    YearlyStatus.objects.create(
        item=item, fiscal_year=2024, status="not_achieved", comment="下書きの備考"
    )
    KpiActual.objects.create(kpi=item.kpis.get(), fiscal_year=2024, value=88)
    html = client.get(ITEM).content.decode()
    assert "下書きの備考" not in html
    assert "令和6年度" not in html


def test_a_placeholder_item_is_labelled_with_its_description(client, town_data):
    html = client.get("/plans/nakai-dx-1.0/items/5/").content.decode()
    assert '<span class="tag tag--placeholder">名称未公表</span>' in html
    assert "件数のみが公表され" in html


def _links(html):
    return html[html.index('id="links-heading"') : html.index("</main>")]


def test_a_link_the_review_states_is_shown_with_where_it_says_so(client, town_data):
    links = _links(client.get("/plans/nakai-dx-2.0/items/1/").content.decode())
    assert (
        '<a href="/plans/nakai-dx-2.0/#wellbeing-6">よい行政</a>'
        "（計画書の連動表に「フロントヤード改革」と記載）" in links
    )
    assert "区分「町民サービスの向上」として：フロントヤード改革、eL-QR対応 等（計画書）" in links
    assert "町による対応付け</span>" not in links
    links = _links(client.get("/plans/nakai-dx-2.0/items/11/").content.decode())
    assert "よく暮らす</a>（計画書の連動表に区分「防災DXの推進」として記載）" in links


def test_a_link_the_review_does_not_state_is_marked_as_the_towns(client, town_data):
    links = _links(client.get("/plans/nakai-dx-2.0/items/3/").content.decode())
    assert (
        '<a href="/plans/nakai-dx-2.0/#wellbeing-2">よく働く</a> <span class="tag">町による対応付け</span>'
        in links
    )
    # Items are paired with the national plan by their area's printed row, never one by one.
    assert "（自治体DX推進計画第5.0版）" not in links
    html = client.get("/plans/nakai-dx-1.0/items/2/").content.decode()
    events = html[html.index('id="events-heading"') :]
    assert "令和6年10月（2024年10月）" in events
    assert "/timeline/#event-" in events
    assert 'コンビニ交付サービス拡充（税証明） <span class="tag">町による対応付け</span>' in events
    assert "（計画書に記載はありません）" in _links(html)


def test_an_unknown_item_is_a_japanese_404(client, town_data):
    response = client.get("/plans/nakai-dx-1.0/items/999/")
    assert response.status_code == 404
    assert "取組番号「999」の取組はありません" in response.content.decode()


@pytest.mark.parametrize("item_count", [10, 1000])
def test_the_item_page_query_count_does_not_grow_with_the_items(
    client, item_count, django_assert_num_queries
):
    build_plan(item_count)
    # + the revision lineage, links both ways in one query; + the data versions of the cached copy
    with django_assert_num_queries(14):
        response = client.get("/plans/big-plan/items/3/")
    assert response.status_code == 200
    with django_assert_num_queries(0):  # served again whole from the cache
        client.get("/plans/big-plan/items/3/")
