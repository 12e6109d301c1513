import pytest
from django.contrib.auth.models import Group, User

from actions.models import ActionItem, Status, YearlyStatus
from actions.permissions import STAFF_GROUP
from plans.models import Plan
from plans.versions import data_changed
from reports.achievement import compute_achievement
from tests.factories import make_year
from tests.html_tables import table
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
    data_changed(items[0].plan, [2024])  # a bulk write sends no signal


AREA_TABLE = "重点施策区分ごとの取組数と達成度"
COLUMNS = ["区分", "取組数", "達成", "一部達成", "未達成", "判定不可", "未評価", "達成度", "公表値"]
# Table 3-2 of the review (令和7年度), typed from the seed: the recomputed rate and the printed one.
SEED_ROWS = [
    ["1. 町民サービスの向上", "8", "6", "1", "1", "0", "0", "87.5%", "87.5%"],
    ["2. 行政事務の効率化", "9", "4", "2", "3", "0", "0", "66.7%", "66.7%"],
    ["3. セキュリティ対策の徹底", "3", "3", "0", "0", "0", "0", "100.0%", "100.0%"],
    # Table 3-2 printed this area with Cyrillic letters (tests/reports/test_plan_fidelity.py).
    [
        "4. デジタルデバイド対策（計画書の表記：「デジタルデバйд対策」（キリル文字を含む））",
        *["2", "1", "0", "0", "1", "0", "50.0%", "50.0%"],
    ],
    ["5. 地域社会のデジタル化", "8", "0", "1", "6", "1", "0", "12.5%", "12.5%"],
]


def area_table(html):
    return table(html, AREA_TABLE)


def test_it_shows_the_seed_figures_for_reiwa_7_by_default(client, town_data):
    response = client.get("/")
    assert response.status_code == 200
    areas = area_table(response.content.decode())
    assert areas.caption == (
        "中井町DX推進計画（1.0版） 令和7年度（2025年度） 重点施策区分ごとの取組数と達成度"
    )
    assert areas.columns == COLUMNS
    assert areas.body == SEED_ROWS


def test_the_totals_row_pools_the_items_and_the_mean_row_averages_the_areas(client, town_data):
    areas = area_table(client.get("/").content.decode())
    pooled = areas.row("合計（全取組を合算した達成度）", "foot")
    assert [pooled[c] for c in COLUMNS[1:8]] == ["30", "14", "4", "10", "2", "0", "60.0%"]
    assert pooled["公表値"].startswith("63.3%")
    mean = areas.row("区分別達成度の平均（単純平均）", "foot")
    assert mean["達成度"] == "63.3%"
    assert mean["公表値"] == "63.3%（一致）"


def test_the_figure_tables_hold_the_same_numbers_as_the_area_table(client, town_data):
    html = client.get("/").content.decode()
    rates = table(html, "図1の数値")
    assert [row["達成度"] for row in rates.rows()] == [row[7] for row in SEED_ROWS]
    counts = table(html, "図2の数値")
    assert [
        [row[c] for c in ("達成", "一部達成", "未達成", "判定不可", "未評価")]
        for row in counts.rows()
    ] == [row[2:7] for row in SEED_ROWS]


def test_it_puts_the_published_figure_beside_the_recomputed_one_and_explains_it(client, town_data):
    html = client.get("/").content.decode()
    explanation = compute_achievement(
        Plan.objects.get(slug="nakai-dx-1.0"), 2025
    ).published.explanation
    assert "計画書の公表値" in html
    assert explanation in html
    assert "区分別達成度の平均 63.3%）です" in html
    assert "全取組を合算すると 60.0% になります" in html


def test_the_public_reads_the_comparison_without_warning_badges(client, town_data):
    html = client.get("/").content.decode()
    assert "63.3%" in html
    assert "不一致" not in html
    assert "要確認" not in html


def test_signed_in_staff_see_the_difference_flagged(staff_client, town_data):
    html = staff_client.get("/?plan=nakai-dx-1.0&year=2025").content.decode()
    assert '<span class="tag tag--warning">要確認</span>' in html
    # The total row: the printed 63.3% differs from the pooled 60.0%.
    assert '63.3% <span class="tag tag--warning">不一致</span>' in html


def test_it_writes_the_rule_under_the_rates(client, town_data):
    html = client.get("/").content.decode()
    assert html.count("達成度 =（達成＋一部達成）÷ 取組数") >= 3


def test_it_has_the_area_table_with_labelled_totals(client, town_data):
    areas = area_table(client.get("/").content.decode())
    assert areas.columns == COLUMNS
    assert [row[0] for row in areas.foot] == [
        "合計（全取組を合算した達成度）",
        "区分別達成度の平均（単純平均）",
    ]


def test_the_charts_are_figures_with_a_caption_and_their_numbers_in_a_table(client, town_data):
    html = client.get("/").content.decode()
    assert html.count("<figure") == 2
    assert html.count("<figcaption>") == 2
    assert html.count("<details") == 2
    assert 'id="chart-area-rates-data" type="application/json"' in html
    # plotly.js is added by charts.js when a chart comes near the screen.
    assert 'data-plotly-src="/static/vendor/plotly/plotly-basic.min.js" defer' in html
    assert '<script src="/static/vendor/plotly' not in html


def test_it_links_the_plan_and_year_selectors_as_shareable_urls(client, town_data):
    html = client.get("/").content.decode()
    assert 'href="/?plan=nakai-dx-2.0"' in html
    assert 'href="/?plan=nakai-dx-1.0&amp;year=2025" aria-current="page"' in html


def test_a_plan_without_an_evaluated_year_says_so_rather_than_showing_zero(client, town_data):
    html = client.get("/?plan=nakai-dx-2.0").content.decode()
    assert "評価の公表前です" in html
    assert "0.0%" not in html
    assert "防災DXの推進（追加）" in html
    assert "計画書の取組数は27個（再掲分含む）です。" in html


def test_plan_2_0_figures_say_the_plan_counts_27_items_beside_the_11_registered(
    staff_client, town_data
):
    item = ActionItem.objects.filter(plan__slug="nakai-dx-2.0").first()
    YearlyStatus.objects.create(item=item, fiscal_year=2026, status=Status.ACHIEVED)
    html = staff_client.get("/?plan=nakai-dx-2.0&year=2026").content.decode()
    totals = area_table(html).row("合計（全取組を合算した達成度）", "foot")
    assert totals["取組数"] == "11"
    note = html[html.index('class="note item-count-note"') :]
    assert note.startswith(
        'class="note item-count-note">計画書の取組数は27個（再掲分含む）です。'
        "このページの取組数は、登録されている11件の取組で数えています。"
    )


def test_plan_1_0_whose_count_matches_the_review_adds_no_note(client, town_data):
    assert "item-count-note" not in client.get("/").content.decode()


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
    areas = area_table(html)
    assert "令和6年度（2024年度）" in areas.caption
    assert [row[:8] for row in areas.body] == [
        ["1. 町民サービスの向上", "8", "8", "0", "0", "0", "0", "100.0%"],
        ["2. 行政事務の効率化", "9", "9", "0", "0", "0", "0", "100.0%"],
        ["3. セキュリティ対策の徹底", "3", "3", "0", "0", "0", "0", "100.0%"],
        ["4. デジタルデバイド対策", "2", "2", "0", "0", "0", "0", "100.0%"],
        ["5. 地域社会のデジタル化", "8", "8", "0", "0", "0", "0", "100.0%"],
    ]


def test_it_charts_the_rates_year_by_year_once_two_years_are_published(client, town_data):
    add_2024_statuses(Status.NOT_ACHIEVED)
    make_year(Plan.objects.get(slug="nakai-dx-1.0"), 2024, "published")
    html = client.get("/?plan=nakai-dx-1.0").content.decode()
    assert "図3　達成度の年度別推移" in html
    assert 'id="chart-trend-data"' in html
    trend = table(html, "図3の数値")
    assert trend.body == [
        ["令和6年度（2024年度）", "0.0%", "0.0%"],
        ["令和7年度（2025年度）", "60.0%", "63.3%"],
    ]


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
    # 8 for the page (the figures read the status tallies) and 1 for the data versions
    # its cached figures are keyed by.
    with django_assert_num_queries(10):
        response = client.get("/?plan=big-plan")
    assert response.status_code == 200
    # Served again whole from the cache: nothing is read (the versions' stamp is
    # unchanged, reports.freshness).
    with django_assert_num_queries(0):
        again = client.get("/?plan=big-plan")
    assert again.content == response.content


@pytest.mark.parametrize("item_count", [10, 1000])
def test_the_default_dashboard_query_count_does_not_grow_with_the_items(
    client, item_count, django_assert_num_queries
):
    build_plan(item_count)
    with django_assert_num_queries(10):
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
    data_changed(Plan.objects.get(slug="nakai-dx-1.0"))  # a bulk update sends no signal
    sections = table(client.get("/").content.decode(), "担当課ごとの取組数と達成度")
    assert sections.columns == ["担当課", *COLUMNS[1:8]]
    assert sections.body == [
        ["企画課 デジタル推進班", "8", "6", "1", "1", "0", "0", "87.5%"],
        ["担当課未設定", "22", "8", "3", "9", "2", "0", "50.0%"],
    ]
