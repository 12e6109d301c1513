"""Towns compared (/towns/) and the deployment's open data (/towns/achievement.csv, .json).

Two towns, each with a plan 「dx-1.0」 and two areas linked to the national plan's
重点取組事項; 札幌市 rates by a rule of its own. Only published years appear, each
town's figures are its own dashboard's, and the page reads the same number of
queries for two towns or eight.
"""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Status
from plans.models import NationalPlanItem, Town, TownHost, code_check_digit
from tests.factories import make_items, make_plan, make_year, set_statuses
from tests.html_tables import table

FRONT = "フロントヤード改革"
SECURITY = "セキュリティ対策の徹底"
CAPTION = "団体ごとの達成度"


def town_code(n):
    first_five = f"{10000 + n:05d}"
    return first_five + str(code_check_digit(first_five))


def add_town(code, name, prefecture="北海道", host=None):
    town = Town.objects.create(code=code, name=name, prefecture=prefecture)
    if host:
        TownHost.objects.create(town=town, host=host)
    return town


def published_plan(town, statuses_by_area, year=2025, links=()):
    """A town's plan 「dx-1.0」 with a published year: one item per status, area by area."""
    plan = make_plan(slug="dx-1.0", name=f"{town.name}の計画", town=town)
    areas = list(plan.areas.all())
    for area, statuses in zip(areas, statuses_by_area, strict=True):
        for status in statuses:
            set_statuses(make_items(plan, area, 1), year, status)
    for area, items in zip(areas, links, strict=False):
        area.national_items.set(items)
    make_year(plan, year, "published")
    return plan


@pytest.fixture
def world(db, the_town, settings):
    settings.ALLOWED_HOSTS = [".localhost", "testserver"]
    TownHost.objects.create(town=the_town, host="nakai.localhost")
    front = NationalPlanItem.objects.create(name=FRONT)
    security = NationalPlanItem.objects.create(name=SECURITY)
    nakai = published_plan(
        the_town,
        [
            [Status.ACHIEVED, Status.NOT_ACHIEVED],
            [Status.PARTIALLY_ACHIEVED, Status.UNDETERMINABLE],
        ],
        links=[[front], [front, security]],
    )
    sapporo = add_town("011002", "札幌市", host="sapporo.localhost")
    # 一部達成 counts half and 判定不可 leaves the denominator, in 札幌市 only.
    sapporo.partial_weight = Decimal("0.5")
    sapporo.undeterminable_in_denominator = False
    sapporo.save()
    sapporo_plan = published_plan(
        sapporo,
        [[Status.ACHIEVED, Status.ACHIEVED], [Status.PARTIALLY_ACHIEVED, Status.NOT_ACHIEVED]],
        links=[[security]],
    )
    # A year of 札幌市 rated but not published: never shown.
    set_statuses(sapporo_plan.items.all(), 2026, Status.ACHIEVED)
    return {"nakai": the_town, "sapporo": sapporo, "nakai_plan": nakai, "front": front}


def rows_of(client, query=""):
    response = client.get(f"/towns/{query}")
    assert response.status_code == 200
    found = table(response.content.decode(), CAPTION)
    found.head[-1] = [name.rstrip(" ⇅▲▼") for name in found.columns]  # the sort marks
    return found


def test_each_town_shows_its_own_figures_by_its_own_rule(client, world):
    found = rows_of(client)
    nakai = found.row("神奈川県 中井町 143618")
    assert nakai["評価済み"] == "4／4"
    assert nakai["達成度（全取組を合算）"] == "50.0%"  # (1 + 1) / 4
    sapporo = found.row("北海道 札幌市 011002")
    # (2 + 0.5 × 1) / 4 by its own rule; 75.0% by the site's.
    assert sapporo["達成度（全取組を合算）"] == "62.5%"
    assert sapporo["達成度（区分の平均）"] == "62.5%"  # (100 + 25) / 2
    assert "一部達成×0.5" in sapporo["計算方法"]
    assert "判定不可の取組は分母から除きます。" in sapporo["計算方法"]
    assert nakai["計算方法"] == "このサイトの設定"


def test_the_rate_per_national_item_goes_through_each_towns_area_links(client, world):
    found = rows_of(client)
    assert f"国計画：{FRONT}" in found.columns and f"国計画：{SECURITY}" in found.columns
    nakai = found.row("神奈川県 中井町 143618")
    # フロントヤード改革: both areas (4 items, 達成 1 + 一部達成 1); セキュリティ: area B only.
    assert nakai[f"国計画：{FRONT}"] == "50.0% （2区分）"
    assert nakai[f"国計画：{SECURITY}"] == "50.0% （1区分）"
    sapporo = found.row("北海道 札幌市 011002")
    assert sapporo[f"国計画：{SECURITY}"] == "100.0% （1区分）"
    assert sapporo[f"国計画：{FRONT}"] == "—"


def test_a_town_without_a_published_year_says_so_and_comes_last(client, world):
    add_town(town_code(1), "未公表町", prefecture="青森県")
    found = rows_of(client, "?sort=-pooled")
    assert [row[0].split()[1] for row in found.body] == ["札幌市", "中井町", "未公表町"]
    assert "公表済みの年度はまだありません" in found.body[-1][1]


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("", ["札幌市", "中井町"]),  # the code order: 011002, 143618
        ("code", ["札幌市", "中井町"]),
        ("-code", ["中井町", "札幌市"]),
        ("-pooled", ["札幌市", "中井町"]),
        ("pooled", ["中井町", "札幌市"]),
    ],
)
def test_the_table_sorts_by_the_column_chosen(client, world, sort, order):
    found = rows_of(client, f"?sort={sort}" if sort else "")
    assert [row[0].split()[1] for row in found.body] == order


def test_the_table_sorts_by_a_national_item_and_marks_the_sorted_column(client, world):
    key = f"item-{world['front'].pk}"
    html = client.get(f"/towns/?sort=-{key}").content.decode()
    found = table(html, CAPTION)
    # 札幌市 links no area to フロントヤード改革: last, whichever way.
    assert [row[0].split()[1] for row in found.body] == ["中井町", "札幌市"]
    assert 'aria-sort="descending"' in html
    assert f'href="?sort={key}"' in html  # the heading turns the order round


@pytest.mark.parametrize("sort", ["bogus", "item-999999", "-", "item-abc"])
def test_an_unknown_sort_is_refused_in_japanese(client, world, sort):
    response = client.get(f"/towns/?sort={sort}")
    assert response.status_code == 400
    assert "並べ替えの指定" in response.content.decode()


def test_each_town_links_to_its_own_dashboard_at_the_year_shown(client, world):
    html = client.get("/towns/").content.decode()
    plan = world["nakai_plan"]
    assert f'href="//nakai.localhost/?plan={plan.slug}&amp;year=2025"' in html
    assert 'href="//sapporo.localhost/?plan=dx-1.0&amp;year=2025"' in html


def queries_for(client, path):
    """The queries of a page read with nothing cached (figures, whole pages)."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    QUERIES[:] = queries.captured_queries
    return len(queries)


QUERIES = []


def test_the_page_reads_the_same_queries_for_two_towns_or_eight(client, world):
    two = queries_for(client, "/towns/?sort=-pooled")
    for n in range(2, 8):
        town = add_town(town_code(n), f"町{n}", host=f"town{n}.localhost")
        published_plan(town, [[Status.ACHIEVED], [Status.NOT_ACHIEVED]], links=[[world["front"]]])
    assert queries_for(client, "/towns/?sort=-pooled") == two
    # The data versions; the request's town (two queries with several towns); the towns and
    # their host names; the published years; the areas, tallies and published figures of
    # them all; the areas' links to the national plan.
    assert two == 10, "\n".join(q["sql"][:150] for q in QUERIES)


@pytest.mark.parametrize("path", ["/towns/achievement.csv", "/towns/achievement.json"])
def test_the_open_data_reads_the_same_queries_for_two_towns_or_eight(client, world, path):
    two = queries_for(client, path)
    for n in range(2, 8):
        town = add_town(town_code(n), f"町{n}")
        published_plan(town, [[Status.ACHIEVED], [Status.NOT_ACHIEVED]], links=[[world["front"]]])
    assert queries_for(client, path) == two


# --- open data ---------------------------------------------------------------------


def csv_rows(client):
    response = client.get("/towns/achievement.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())  # UTF-8 with BOM
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_is_long_format_with_areas_then_national_items(client, world):
    rows = csv_rows(client)
    nakai = [r for r in rows if r["全国地方公共団体コード"] == "143618"]
    assert [
        (r["集計単位"], r["区分番号"], r["重点施策区分"], r["国計画の重点取組事項"]) for r in nakai
    ] == [
        ("重点施策区分", "1", "区分A", FRONT),
        ("重点施策区分", "2", "区分B", f"{FRONT}、{SECURITY}"),
        ("国計画の重点取組事項", "", "", FRONT),
        ("国計画の重点取組事項", "", "", SECURITY),
    ]
    front = nakai[2]
    assert (front["取組数"], front["達成"], front["一部達成"], front["達成度"]) == (
        "4",
        "1",
        "1",
        "50.0",
    )
    assert (front["年度"], front["年度（和暦）"]) == ("2025", "令和7年度（2025年度）")
    assert front["国計画の版"] == "第5.0版"
    assert front["暫定"] == "0"


def test_the_csv_holds_published_years_only_and_each_towns_rule(client, world):
    rows = csv_rows(client)
    assert {r["年度"] for r in rows} == {"2025"}  # 札幌市's rated 2026 is not published
    sapporo = [r for r in rows if r["団体名"] == "札幌市"]
    area_b = next(r for r in sapporo if r["重点施策区分"] == "区分B")
    assert area_b["達成度"] == "25.0"  # 0.5 / 2 by its own rule
    assert "一部達成×0.5" in area_b["達成度の計算方法"]


def test_the_json_has_the_csvs_records_typed(client, world):
    response = client.get("/towns/achievement.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(response.content)
    names = [column["name"] for column in document["columns"]]
    assert names == list(csv_rows(client)[0].keys())
    assert len(document["records"]) == len(csv_rows(client))
    first = document["records"][0]
    assert list(first) == names
    assert (first["全国地方公共団体コード"], first["年度"], first["年度（和暦）"]) == (
        "011002",
        2025,
        "令和7年度（2025年度）",
    )
    assert first["達成度"] == 100.0
    assert first["暫定"] is False
    assert {t["団体名"] for t in document["licences"]} == {"中井町", "札幌市"}


def test_no_published_year_gives_a_header_and_no_rows(client, db):
    assert csv_rows(client) == []
    document = json.loads(client.get("/towns/achievement.json").content)
    assert document["records"] == [] and document["columns"]


# --- one prefecture ---------------------------------------------------------------


def test_the_page_shows_one_prefectures_towns_and_keeps_it_when_sorting(client, world):
    html = client.get("/towns/").content.decode()
    assert 'id="prefecture-filter"' in html
    assert '<option value="北海道" lang="ja">北海道</option>' in html
    found = rows_of(client, "?prefecture=北海道&sort=-pooled")
    assert [row[0].split()[1] for row in found.body] == ["札幌市"]
    html = client.get("/towns/", {"prefecture": "北海道", "sort": "-pooled"}).content.decode()
    assert "北海道の団体 1団体を表示しています" in html
    assert 'href="?sort=pooled&amp;prefecture=%E5%8C%97%E6%B5%B7%E9%81%93"' in html
    assert '<option value="北海道" lang="ja" selected>' in html


def test_a_prefecture_with_no_town_is_refused_in_japanese(client, world):
    for path in ("/towns/", "/towns/achievement.csv", "/towns/achievement.json"):
        response = client.get(path, {"prefecture": "沖縄県"})
        assert response.status_code == 400
        assert "「沖縄県」の団体はこのサイトにありません" in response.content.decode()


def test_the_open_data_of_one_prefecture_holds_its_towns_only(client, world):
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/towns/achievement.csv", {"prefecture": "神奈川県"}).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert {r["団体名"] for r in rows} == {"中井町"}
    document = client.get("/towns/achievement.json", {"prefecture": "北海道"}).json()
    assert {r["団体名"] for r in document["records"]} == {"札幌市"}
    assert document["都道府県"] == "北海道"
    assert document["csv"].endswith("/towns/achievement.csv?prefecture=%E5%8C%97%E6%B5%B7%E9%81%93")


def test_a_deployment_of_one_prefecture_has_no_prefecture_menu(client, world):
    world["sapporo"].prefecture = "神奈川県"
    world["sapporo"].save()
    assert 'id="prefecture-filter"' not in client.get("/towns/").content.decode()


# --- a page of towns at a time --------------------------------------------------------


def test_the_towns_come_a_page_at_a_time_in_the_order_of_all_of_them(client, world, monkeypatch):
    from reports import comparison

    monkeypatch.setattr(comparison, "PAGE_SIZE", 1)
    add_town(town_code(1), "未公表町", prefecture="青森県")
    first = client.get("/towns/", {"sort": "-pooled"}).content.decode()
    assert [row[0].split()[1] for row in table(first, CAPTION).body] == ["札幌市"]
    assert "3件中 1～1件目を表示" in first
    assert 'href="?sort=-pooled&amp;page=2" rel="next"' in first
    second = rows_of(client, "?sort=-pooled&page=2")
    assert [row[0].split()[1] for row in second.body] == ["中井町"]
    # Past the end: the last page; the headings sort from the first page again.
    last = client.get("/towns/", {"sort": "-pooled", "page": "99"}).content.decode()
    assert [row[0].split()[1] for row in table(last, CAPTION).body] == ["未公表町"]
    assert 'href="?sort=pooled"' in last
    assert 'aria-current="page">3</a>' in last


def test_a_page_of_one_prefecture_keeps_it_in_its_links(client, world, monkeypatch):
    from reports import comparison

    monkeypatch.setattr(comparison, "PAGE_SIZE", 1)
    add_town(town_code(1), "北の町", prefecture="北海道")
    html = client.get("/towns/", {"prefecture": "北海道"}).content.decode()
    assert [row[0].split()[1] for row in table(html, CAPTION).body] == ["札幌市"]  # code order
    assert 'href="?prefecture=%E5%8C%97%E6%B5%B7%E9%81%93&amp;page=2" rel="next"' in html


def test_one_page_of_towns_has_no_page_links(client, world):
    assert 'class="pagination"' not in client.get("/towns/").content.decode()
