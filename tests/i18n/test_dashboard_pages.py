"""The dashboard, area and item pages in English and やさしい日本語: their words, years, charts
and notes in the page's language, the town's data (downloads, open data) in Japanese,
and no more queries than the Japanese pages."""

import csv
import datetime
import io
import json
import re

import pytest
from django.utils import translation

from plans import wareki
from tests.actions.staff_users import make_user
from tests.reports.helpers import build_plan

pytestmark = pytest.mark.django_db

DASHBOARD = "/?plan=nakai-dx-1.0&year=2025"
AREA = "/plans/nakai-dx-1.0/areas/2/"
ITEM = "/plans/nakai-dx-1.0/items/1/"


def _chart(html, chart_id):
    data = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(data.group(1))


@pytest.mark.parametrize(
    ("language", "full", "short", "month", "day"),
    [
        ("ja", "令和7年度（2025年度）", "令和7年度", "令和8年4月（2026年4月）", "令和元年5月1日"),
        ("ja-easy", "2025年度（令和7年度）", "2025年度", "2026年4月（令和8年4月）", "2019年5月1日"),
        ("en", "FY2025 (Reiwa 7)", "FY2025", "April 2026 (Reiwa 8)", "1 May 2019"),
    ],
)
def test_years_months_and_dates_are_written_as_the_pages_language_writes_them(
    language, full, short, month, day
):
    with translation.override(language):
        assert wareki.fiscal_year_label(2025) == full
        assert wareki.fiscal_year_label(2025, with_western=False) == short
        assert wareki.month_label(datetime.date(2026, 4, 1), with_western=True) == month
        assert wareki.date_label(datetime.date(2019, 5, 1)) == day
        # What staff type is read the same in every language.
        assert wareki.parse_fiscal_year("令和7年度") == wareki.parse_fiscal_year("R7") == 2025


def test_the_first_year_of_an_era_is_gannen_in_japanese_and_1_in_english():
    with translation.override("en"):
        assert wareki.fiscal_year_label(2019) == "FY2019 (Reiwa 1)"
    assert wareki.fiscal_year_label(2019) == "令和元年度（2019年度）"


def test_the_english_dashboard_states_the_figures_their_formula_and_the_printed_one(
    client, town_data
):
    html = client.get("/en" + DASHBOARD).content.decode()
    assert "<h1>Progress dashboard</h1>" in html
    assert "Overall achievement rate, FY2025 (Reiwa 7)" in html
    assert html.count("Achievement rate = (Achieved + Partly achieved) ÷ Items") >= 3
    assert "Items: 30; achieved: 14; partly achieved: 4" in html
    assert "The published figure of 63.3% is the mean of the area rates" in html
    for heading in ("Partly achieved", "Not achieved", "Cannot be assessed", "Not yet assessed"):
        assert f'<th scope="col" class="num">{heading}</th>' in html
    # The plan's names in English where the town translated them (fixtures/nakai_dx_translations.py).
    assert "行政事務の効率化" not in re.sub(r'<span lang="ja">.*?</span>', "", html)


def test_the_easy_japanese_dashboard_says_how_far_the_plan_has_come_in_plain_words(
    client, town_data
):
    html = client.get("/ja-easy" + DASHBOARD).content.decode()
    assert "ぜんぶで どのくらい できたか（2025年度（令和7年度））" in html
    assert "どのくらい できたか ＝（できた ＋ 一部 できた）÷ とりくみの 数" in html
    assert 'class="easy-japanese"' in html
    assert "<ruby>報告書<rt>ほうこくしょ</rt></ruby>" in html


def test_the_charts_speak_the_pages_language(client, town_data):
    html = client.get("/en" + DASHBOARD).content.decode()
    rates = _chart(html, "chart-area-rates-data")
    assert rates["layout"]["xaxis"]["title"]["text"] == "Achievement rate (%)"
    statuses = _chart(html, "chart-status-data")
    assert [trace["name"] for trace in statuses["data"]] == [
        "Achieved",
        "Partly achieved",
        "Not achieved",
        "Cannot be assessed",
    ]
    assert statuses["data"][0]["hovertemplate"] == "%{y}, Achieved: %{x}<extra></extra>"
    assert statuses["layout"]["xaxis"]["title"]["text"] == "Number of items"
    area = _chart(client.get("/en" + AREA).content.decode(), "chart-area-data")
    assert area["data"][0]["text"][:3] == ["4 items", "2 items", "3 items"]


def test_an_item_page_in_english_reads_its_status_kpi_and_years(client, town_data):
    html = client.get("/en" + ITEM).content.decode()
    assert "Action item 1" in html
    assert '<th scope="row" class="card-title">FY2025 (Reiwa 7)</th>' in html
    assert '<span class="badge badge--achieved">Achieved</span>' in html
    assert '<h2 id="kpi-heading">Indicators (KPI)</h2>' in html
    assert '<td data-label="Remarks"><span lang="ja">' not in html  # 74%→100%: no Japanese


def test_a_missing_page_says_why_in_the_pages_language(client, town_data):
    response = client.get("/en/plans/nakai-dx-1.0/areas/99/")
    assert response.status_code == 404
    assert "has no priority area number 99." in response.content.decode()
    response = client.get("/ja-easy/?plan=nakai-dx-1.0&year=abc")
    assert "「abc」は 年度として 読めません。" in response.content.decode()
    # The framework's own messages are still left out.
    assert "Resolver404" not in client.get("/en/no-such-page/").content.decode()


def test_the_area_table_downloads_the_towns_data_in_japanese_from_any_page(client, town_data):
    content = client.get("/en" + AREA + "?year=2025&_export=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == ["番号", "取組名", "再掲", "達成状況", "備考", "主な区分", "名称の公表"]
    assert {row[3] for row in rows[1:]} <= {"達成", "一部達成", "未達成", "判定不可", ""}
    html = client.get("/en" + AREA).content.decode()
    assert "Download this table (in Japanese):" in html


def test_the_open_data_keeps_its_japanese_words_under_an_english_address(client, town_data):
    data = json.loads(
        client.get("/en/opendata/achievement.json?plan=nakai-dx-1.0&year=2025").content
    )
    assert data["fiscal_year_label"] == "令和7年度（2025年度）"
    assert data["rule"]["formula"] == "達成度 =（達成＋一部達成）÷ 取組数"
    assert data["published"]["explanation"].startswith("公表値 63.3% は、")


def test_staff_tools_on_an_english_page_stay_japanese_and_say_so(client, town_data):
    client.force_login(make_user("kanri", "admin"))
    html = client.get("/en" + ITEM).content.decode()
    assert '<li lang="ja"><a href="/staff/items/">担当の取組</a></li>' in html
    assert '<div lang="ja">' in html
    assert "令和7年度（2025年度）" in html.split('<div lang="ja">', 1)[1]
    assert "Evidence and internal notes (staff only)" in html


@pytest.mark.parametrize(("prefix", "language"), [("/en", "en"), ("/ja-easy", "ja-easy")])
@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/?plan=big-plan", 10),
        ("/plans/big-plan/areas/1/?year=2025", 12),
        ("/plans/big-plan/items/3/", 14),
    ],
)
def test_a_translated_page_costs_the_queries_of_the_japanese_one(
    client, django_assert_num_queries, prefix, language, path, queries
):
    build_plan(10)
    with django_assert_num_queries(queries):
        response = client.get(prefix + path)
    assert response.status_code == 200
    assert response["Content-Language"] == ("en" if language == "en" else "ja")
