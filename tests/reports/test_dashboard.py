import pytest
from django.contrib.auth.models import Group, User

from actions.models import ActionItem, EvaluationYear, Status, YearlyStatus
from actions.permissions import STAFF_GROUP
from plans.models import Plan
from reports.achievement import compute_achievement
from tests.reports.helpers import build_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = User.objects.create_user("shokuin", password="x")
    user.groups.add(Group.objects.get_or_create(name=STAFF_GROUP)[0])
    client.force_login(user)
    return client


def add_2024_statuses(status=Status.ACHIEVED):
    items = ActionItem.objects.filter(plan__slug="nakai-dx-1.0")
    YearlyStatus.objects.bulk_create(
        [YearlyStatus(item=item, fiscal_year=2024, status=status) for item in items]
    )


def test_it_shows_the_seed_figures_for_reiwa_7_by_default(client, town_data):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "中井町DX推進計画（1.0版）" in html
    assert "令和7年度（2025年度）" in html
    for rate in ("87.5%", "66.7%", "100.0%", "50.0%", "12.5%"):
        assert rate in html
    assert "全体の達成度（全取組を合算）" in html
    assert "60.0%" in html
    assert "区分別達成度の平均" in html
    assert "63.3%" in html


def test_it_puts_the_published_figure_beside_the_recomputed_one_and_explains_it(client, town_data):
    html = client.get("/").content.decode()
    explanation = compute_achievement(
        Plan.objects.get(slug="nakai-dx-1.0"), 2025
    ).published.explanation
    assert "計画書の公表値" in html
    assert explanation in html
    assert "各区分の達成度の単純平均 63.3% と一致します" in html
    assert "不一致" in html


def test_it_writes_the_rule_under_the_rates(client, town_data):
    html = client.get("/").content.decode()
    assert html.count("達成度 =（達成＋一部達成）÷ 取組数") >= 3


def test_it_has_the_area_table_with_labelled_totals(client, town_data):
    html = client.get("/").content.decode()
    for header in ("区分", "取組数", "達成", "一部達成", "未達成", "判定不可", "未評価", "達成度"):
        assert (
            f'<th scope="col" class="num">{header}</th>' in html
            or f'<th scope="col">{header}</th>' in html
        )
    assert "合計（全取組を合算した達成度）" in html
    assert "区分別達成度の平均（単純平均）" in html


def test_the_charts_are_figures_with_a_caption_and_their_numbers_in_a_table(client, town_data):
    html = client.get("/").content.decode()
    assert html.count("<figure") == 2
    assert html.count("<figcaption>") == 2
    assert html.count("<details") == 2
    assert 'id="chart-area-rates-data" type="application/json"' in html
    assert 'src="/static/vendor/plotly/plotly.min.js" defer' in html


def test_it_links_the_plan_and_year_selectors_as_shareable_urls(client, town_data):
    html = client.get("/").content.decode()
    assert 'href="/?plan=nakai-dx-2.0"' in html
    assert 'href="/?plan=nakai-dx-1.0&amp;year=2025" aria-current="page"' in html


def test_a_plan_without_an_evaluated_year_says_so_rather_than_showing_zero(client, town_data):
    html = client.get("/?plan=nakai-dx-2.0").content.decode()
    assert "評価の公表前です" in html
    assert "0.0%" not in html
    assert "防災DXの推進（追加）" in html


def test_the_public_does_not_see_an_unpublished_year(client, town_data):
    add_2024_statuses()
    html = client.get("/").content.decode()
    assert "令和6年度" not in html
    response = client.get("/?plan=nakai-dx-1.0&year=2024")
    assert response.status_code == 404
    assert "令和6年度（2024年度）の達成状況は公表されていません" in response.content.decode()


def test_staff_see_an_unpublished_year_marked_as_a_draft(staff_client, town_data):
    add_2024_statuses()
    response = staff_client.get("/?plan=nakai-dx-1.0&year=2024")
    html = response.content.decode()
    assert response.status_code == 200
    assert "未公表（下書き）" in html
    assert "令和6年度（2024年度）" in html


def test_it_charts_the_rates_year_by_year_once_two_years_are_published(client, town_data):
    add_2024_statuses(Status.NOT_ACHIEVED)
    EvaluationYear.objects.create(
        plan=Plan.objects.get(slug="nakai-dx-1.0"), fiscal_year=2024, is_published=True
    )
    html = client.get("/?plan=nakai-dx-1.0").content.decode()
    assert "図3　達成度の年度別推移" in html
    assert 'id="chart-trend-data"' in html
    assert "令和6年度（2024年度）" in html


def test_an_unknown_plan_or_an_unreadable_year_is_a_japanese_404(client, town_data):
    response = client.get("/?plan=no-such-plan")
    assert response.status_code == 404
    assert "計画ID「no-such-plan」の計画は登録されていません。" in response.content.decode()
    response = client.get("/?plan=nakai-dx-1.0&year=abc")
    assert response.status_code == 404
    assert "年度「abc」は読み取れません" in response.content.decode()


@pytest.mark.parametrize("item_count", [10, 1000])
def test_the_dashboard_query_count_does_not_grow_with_the_items(
    client, item_count, django_assert_num_queries
):
    build_plan(item_count)
    with django_assert_num_queries(12):
        response = client.get("/?plan=big-plan")
    assert response.status_code == 200


@pytest.mark.parametrize("item_count", [10, 1000])
def test_the_default_dashboard_query_count_does_not_grow_with_the_items(
    client, item_count, django_assert_num_queries
):
    build_plan(item_count)
    with django_assert_num_queries(12):
        response = client.get("/")
    assert response.status_code == 200


def test_it_shows_figures_by_section_once_items_have_sections(client, town_data):
    from actions.models import ActionItem
    from plans.models import Section

    html = client.get("/").content.decode()
    assert "担当課ごとの達成状況" not in html  # the town's items have no section yet
    kikaku = Section.objects.get(name="企画課")
    ActionItem.objects.filter(plan__slug="nakai-dx-1.0", primary_area__number=1).update(
        section=kikaku
    )
    html = client.get("/").content.decode()
    assert "担当課ごとの達成状況" in html
    assert "企画課 デジタル推進班" in html and "87.5%" in html
    assert "担当課未設定" in html
