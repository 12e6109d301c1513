"""The open-data API (/api/v1/): published data only, the engine's figures, schema, 304, 429, CORS."""

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from actions import services
from actions.models import Kpi, KpiActual, Status, YearlyStatus
from plans.models import Plan
from plans.versions import data_changed
from reports import cache
from tests.factories import make_year
from tests.reports.helpers import build_plan

pytestmark = pytest.mark.django_db

API = "/api/v1"
PLAN = "nakai-dx-1.0"
DRAFT = "下書きの備考（非公開の年度）"

# Every operation, with the town's data, as a published reader asks it.
ENDPOINTS = [
    f"{API}/plans",
    f"{API}/plans/{PLAN}",
    f"{API}/plans/{PLAN}/areas",
    f"{API}/plans/{PLAN}/items",
    f"{API}/plans/{PLAN}/items?area=2",
    f"{API}/plans/{PLAN}/items/1",
    f"{API}/plans/{PLAN}/kpis",
    f"{API}/plans/{PLAN}/years",
    f"{API}/plans/{PLAN}/years/2025/achievement",
    f"{API}/plans/{PLAN}/years/2025/statuses",
    f"{API}/timeline",
    f"{API}/timeline?area=防災DXの推進",
]


def get_json(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.content[:300])
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


@pytest.fixture
def draft_2024(town_data):
    """Plan 1.0's 令和6年度 evaluated, with a KPI actual, locked but not published."""
    plan = Plan.objects.get(slug=PLAN)
    YearlyStatus.objects.bulk_create(
        [
            YearlyStatus(item=item, fiscal_year=2024, status=Status.NOT_ACHIEVED, comment=DRAFT)
            for item in plan.items.all()
        ]
    )
    data_changed(plan, [2024])  # a bulk write sends no signal
    KpiActual.objects.create(
        kpi=Kpi.objects.filter(item__plan=plan).first(), fiscal_year=2024, value=987654
    )
    make_year(plan, 2024, "locked")
    return plan


# --- the schema ------------------------------------------------------------------------


def test_the_schema_is_valid_openapi_at_a_stable_url(client, town_data):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["version"] == "1.0.0"
    assert schema["info"]["license"]["name"] == "CC BY 4.0"
    paths = set(schema["paths"])
    assert {
        f"{API}/plans",
        f"{API}/plans/{{slug}}",
        f"{API}/plans/{{slug}}/areas",
        f"{API}/plans/{{slug}}/items",
        f"{API}/plans/{{slug}}/items/{{code}}",
        f"{API}/plans/{{slug}}/kpis",
        f"{API}/plans/{{slug}}/years",
        f"{API}/plans/{{slug}}/years/{{year}}/achievement",
        f"{API}/plans/{{slug}}/years/{{year}}/statuses",
        f"{API}/timeline",
    } == paths
    # Read only: no operation but GET.
    assert {method for operations in schema["paths"].values() for method in operations} == {"get"}


def test_every_answer_matches_its_schema(client, town_data):
    """The documents validate against the schema the API publishes (not only against pydantic)."""
    schema = client.get(f"{API}/openapi.json").json()
    components = schema["components"]["schemas"]
    for url in ENDPOINTS:
        path = url.split("?")[0]
        template = next(
            p for p in schema["paths"] if re.fullmatch(re.sub(r"\{\w+\}", r"[^/]+", p), path)
        )
        answer = schema["paths"][template]["get"]["responses"]["200"]
        body_schema = answer["content"]["application/json"]["schema"]
        document = {**body_schema, "components": {"schemas": components}}
        errors = list(Draft202012Validator(document).iter_errors(get_json(client, url)))
        assert errors == [], (url, errors[:3])


def test_the_documentation_page_serves_swagger_ui_from_this_site(client, town_data):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    assert not re.search(r"""(src|href)=["']https?://""", html), "外部のファイルを読んでいます"
    settings = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1))
    assert settings["url"] == f"{API}/openapi.json"
    assert settings["validatorUrl"] is None  # no call to validator.swagger.io
    assert settings["supportedSubmitMethods"] == []
    assert "script-src 'self'" in response["Content-Security-Policy"]


# --- published data, and only that -----------------------------------------------------


@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_endpoint_answers_for_published_data(client, town_data, url):
    document = get_json(client, url)
    if "items" in document and "count" in document:
        assert document["count"] >= 1
        assert len(document["items"]) >= 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"{API}/plans/nakai-dx-9.9", "計画ID「nakai-dx-9.9」の計画は登録されていません。"),
        (f"{API}/plans/nakai-dx-9.9/items", "計画ID「nakai-dx-9.9」の計画は登録されていません。"),
        (f"{API}/plans/{PLAN}/items/999", "取組番号「999」の取組はありません。"),
        (f"{API}/plans/{PLAN}/items?area=9", "区分番号 9 の重点施策区分はありません。"),
        (
            f"{API}/plans/{PLAN}/years/2024/achievement",
            "令和6年度（2024年度）の達成状況は公表されていません。",
        ),
        (
            f"{API}/plans/{PLAN}/years/R6/statuses",
            "令和6年度（2024年度）の達成状況は公表されていません。",
        ),
        (f"{API}/plans/nakai-dx-2.0/years/2026/achievement", "公表されていません。"),
        (f"{API}/plans/{PLAN}/years/xyz/achievement", "年度「xyz」は読み取れません。"),
    ],
)
def test_unknown_or_unpublished_data_is_a_json_404_in_japanese(client, draft_2024, url, message):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert message in response.json()["detail"]


def test_an_unpublished_year_appears_in_no_answer(client, draft_2024):
    seen = []
    for url in ENDPOINTS + [
        f"{API}/plans/{PLAN}/items?limit=500",
        f"{API}/plans/{PLAN}/years/2025/statuses?limit=500",
    ]:
        body = client.get(url).content.decode()
        assert DRAFT not in body, url
        assert "987654" not in body, url
        seen.append(body)
    years = get_json(client, f"{API}/plans/{PLAN}/years")
    assert [year["fiscal_year"] for year in years["items"]] == [2025]
    plans = get_json(client, f"{API}/plans")["items"]
    assert [p["published_years"] for p in plans if p["slug"] == PLAN] == [
        [{"fiscal_year": 2025, "label": "令和7年度（2025年度）"}]
    ]
    item = get_json(client, f"{API}/plans/{PLAN}/items/1")
    assert [status["fiscal_year"] for status in item["statuses"]] == [2025]
    # Once published, the same year is served everywhere.
    services.publish_year(draft_2024, 2024)
    item = get_json(client, f"{API}/plans/{PLAN}/items/1")
    assert [status["fiscal_year"] for status in item["statuses"]] == [2024, 2025]
    assert item["statuses"][0]["comment"] == DRAFT
    kpis = get_json(client, f"{API}/plans/{PLAN}/kpis")["items"]
    assert 987654 in [actual["value"] for kpi in kpis for actual in kpi["actuals"]]
    assert client.get(f"{API}/plans/{PLAN}/years/2024/achievement").status_code == 200


def test_internal_fields_never_leave_the_api(client, town_data):
    YearlyStatus.objects.filter(item__plan__slug=PLAN, fiscal_year=2025).update(
        evidence="内部メモ", return_reason="差戻しの理由"
    )
    for url in ENDPOINTS:
        body = client.get(url).content.decode()
        assert "内部メモ" not in body and "差戻しの理由" not in body, url
        assert "evidence" not in body and "state" not in body, url


def test_an_items_statuses_and_kpis_are_the_pages(client, town_data):
    item = get_json(client, f"{API}/plans/{PLAN}/items/1")
    assert item["title"] == "マイナンバーカード交付率"
    assert item["statuses"] == [
        {
            "fiscal_year": 2025,
            "label": "令和7年度（2025年度）",
            "status": "achieved",
            "status_label": "達成",
            "comment": "74%→100%",
        }
    ]
    assert item["kpis"][0]["baseline_value"] == 74.0
    assert item["kpis"][0]["actuals"] == [
        {"fiscal_year": 2025, "label": "令和7年度（2025年度）", "value": 100.0}
    ]
    assert item["html"] == "http://testserver/plans/nakai-dx-1.0/items/1/"


# --- the figures: the one engine, as the dashboard and the CSV show them ----------------


def _csv_rows(client, slug, year):
    text = client.get(f"/opendata/achievement.csv?plan={slug}&year={year}").content.decode(
        "utf-8-sig"
    )
    return list(csv.DictReader(io.StringIO(text)))


def test_the_figures_equal_the_dashboards_and_the_csvs_for_every_published_year(client, town_data):
    build_plan(12, years=(2024, 2025), slug="big-plan")
    checked = 0
    for plan in Plan.objects.all():
        years = get_json(client, f"{API}/plans/{plan.slug}/years")["items"]
        for year in years:
            fiscal_year = year["fiscal_year"]
            document = get_json(client, year["achievement"].replace("http://testserver", ""))
            # The open-data JSON is the same document.
            opendata = get_json(
                client, f"/opendata/achievement.json?plan={plan.slug}&year={fiscal_year}"
            )
            assert document == opendata
            # The dashboard shows the engine's result for that year.
            page = client.get(f"/?plan={plan.slug}&year={fiscal_year}")
            assert page.context["achievement"].as_dict() == document
            # The CSV row per area carries the same counts and rates.
            rows = _csv_rows(client, plan.slug, fiscal_year)
            assert len(rows) == len(document["areas"])
            for row, area in zip(rows, document["areas"], strict=True):
                assert int(row["区分番号"]) == area["number"]
                assert int(row["取組数"]) == area["total"]
                assert int(row["達成"]) == area["achieved"]
                assert int(row["一部達成"]) == area["partially_achieved"]
                assert int(row["評価済み"]) == area["evaluated"]
                assert (float(row["達成度"]) if row["達成度"] else None) == area["rate"]
            checked += 1
    assert checked == 3  # 1.0's 令和7年度, and the built plan's two years


def test_the_town_figures_are_those_of_table_3_2(client, town_data):
    document = get_json(client, f"{API}/plans/{PLAN}/years/R7/achievement")
    assert [area["rate"] for area in document["areas"]] == [87.5, 66.7, 100.0, 50.0, 12.5]
    assert document["overall"]["pooled_rate"] == 60.0
    assert document["overall"]["mean_of_area_rates"] == 63.3


def test_a_statuses_page_agrees_with_the_engines_counts(client, town_data):
    statuses = get_json(client, f"{API}/plans/{PLAN}/years/2025/statuses?limit=500")["items"]
    document = get_json(client, f"{API}/plans/{PLAN}/years/2025/achievement")
    # Plan 1.0 lists no item twice, so each area's count is of distinct items.
    assert all(area["relisted"] == 0 for area in document["areas"])
    for status, field in (("achieved", "achieved"), ("not_achieved", "not_achieved")):
        listed = sum(1 for s in statuses if s["status"] == status)
        assert listed == sum(area[field] for area in document["areas"])
    assert len(statuses) == document["overall"]["total"]


# --- pagination -------------------------------------------------------------------------


def test_pages_follow_limit_and_offset_and_cover_the_list_once(client, town_data):
    full = get_json(client, f"{API}/plans/{PLAN}/items?limit=500")
    assert full["count"] == 30 == len(full["items"])
    assert (full["limit"], full["offset"]) == (500, 0)
    pages = []
    for offset in range(0, 30, 7):
        page = get_json(client, f"{API}/plans/{PLAN}/items?limit=7&offset={offset}")
        assert page["count"] == 30
        pages += page["items"]
    assert [item["code"] for item in pages] == [item["code"] for item in full["items"]]
    beyond = get_json(client, f"{API}/plans/{PLAN}/items?offset=1000000")
    assert beyond["items"] == [] and beyond["count"] == 30


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=501", "limit=-1", "offset=-1", "offset=1000001", "limit=abc"]
)
def test_a_page_outside_the_bounds_is_a_422_naming_the_field(client, town_data, query):
    response = client.get(f"{API}/plans/{PLAN}/items?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "指定された値が正しくありません。"
    assert body["errors"][0]["loc"] == ["query", query.split("=")[0]]


def test_the_default_page_is_a_hundred(client, db):
    build_plan(130, years=(2025,), slug="big-plan")
    page = get_json(client, f"{API}/plans/big-plan/items")
    assert (page["count"], len(page["items"]), page["limit"]) == (130, 100, 100)


def test_a_list_costs_the_same_queries_for_ten_items_or_a_hundred(client, db):
    build_plan(10, years=(2025,), slug="small")
    build_plan(100, years=(2025,), slug="large")
    get_json(client, f"{API}/plans/small")  # the list of plans is cached from here on
    counts = {}
    for slug in ("small", "large"):
        with CaptureQueriesContext(connection) as queries:
            get_json(client, f"{API}/plans/{slug}/items?limit=500")
        counts[slug] = len(queries)
    assert counts["small"] == counts["large"]
    assert counts["large"] <= 8


# --- ETag / Last-Modified ---------------------------------------------------------------


@pytest.mark.parametrize("url", [ENDPOINTS[0], ENDPOINTS[5], ENDPOINTS[8], ENDPOINTS[9]])
def test_a_client_polling_with_the_etag_gets_a_304_without_a_body(client, town_data, url):
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=modified)
    assert by_date.status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_the_etag_changes_with_published_data_and_not_with_drafts(client, draft_2024):
    url = f"{API}/plans/{PLAN}/items/1"
    etag = client.get(url)["ETag"]
    # A draft (unpublished year) changes: the published answer is the same, and so is its tag.
    YearlyStatus.objects.filter(item__plan=draft_2024, fiscal_year=2024).update(
        comment="別の下書き"
    )
    data_changed(draft_2024, [2024])
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # A published year changes: a new answer under a new tag.
    status = YearlyStatus.objects.get(item__plan=draft_2024, item__code="1", fiscal_year=2025)
    YearlyStatus.objects.filter(pk=status.pk).update(comment="直した備考")
    data_changed(draft_2024, [2025])
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["statuses"][0]["comment"] == "直した備考"


def test_a_repeated_request_is_served_from_the_kept_answer(client, town_data):
    url = f"{API}/plans/{PLAN}/items?limit=500"
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"] == "application/json; charset=utf-8"
    # Only the request's town, the data versions and the published years: no item again.
    assert len(queries) == 3, [q["sql"] for q in queries]


def test_a_kept_answer_is_not_served_after_the_data_changed(client, town_data):
    url = f"{API}/plans/{PLAN}/years/2025/statuses?limit=1"
    assert client.get(url).json()["items"][0]["comment"] == "74%→100%"
    YearlyStatus.objects.filter(item__plan__slug=PLAN, item__code="1", fiscal_year=2025).update(
        comment="直した備考"
    )
    data_changed(Plan.objects.get(slug=PLAN), [2025])
    assert client.get(url).json()["items"][0]["comment"] == "直した備考"


def test_each_host_has_its_own_tag_and_urls(client, town_data, settings):
    settings.ALLOWED_HOSTS = ["testserver", "dx.example.lg.jp"]
    url = f"{API}/plans/{PLAN}/items/1"
    here = client.get(url)
    there = client.get(url, HTTP_HOST="dx.example.lg.jp")
    assert here["ETag"] != there["ETag"]
    assert there.json()["html"] == "http://dx.example.lg.jp/plans/nakai-dx-1.0/items/1/"


def test_each_url_has_its_own_etag(client, town_data):
    tags = {client.get(url)["ETag"] for url in ENDPOINTS}
    assert len(tags) == len(ENDPOINTS)


# --- rate limit -------------------------------------------------------------------------


def test_a_client_over_the_limit_gets_429_with_retry_after(client, town_data, settings):
    settings.API_RATE_LIMIT = "3/min"
    url = f"{API}/plans"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "問い合わせが多すぎます" in refused.json()["detail"]
    # A 304 poll counts too, and is refused the same way.
    assert client.get(url, HTTP_IF_NONE_MATCH="*").status_code == 429
    # Another client is not held back by this one.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.get(url).status_code == 200


def test_a_forged_forwarded_for_does_not_escape_the_limit(client, town_data, settings):
    settings.API_RATE_LIMIT = "2/min"
    url = f"{API}/plans"
    for n in range(2):
        assert client.get(url, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code == 200
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


# --- CORS -------------------------------------------------------------------------------


def test_any_origin_may_read_with_get_and_without_credentials(client, town_data):
    response = client.get(f"{API}/plans", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "etag" in response["Access-Control-Expose-Headers"].lower()
    preflight = client.options(
        f"{API}/plans",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"]
    assert set(preflight["Access-Control-Allow-Methods"].split(", ")) == {"GET", "OPTIONS"}


def test_the_pages_outside_the_api_stay_same_origin(client, town_data):
    response = client.get("/opendata/", HTTP_ORIGIN="https://example.org")
    assert "Access-Control-Allow-Origin" not in response


def test_writes_are_refused(client, town_data):
    assert client.post(f"{API}/plans").status_code == 405
    assert client.delete(f"{API}/plans/{PLAN}").status_code == 405


# --- hostile parameters -----------------------------------------------------------------

HOSTILE = [
    "%00",
    "a%00b",
    "%ff%fe",
    "%c3%28",
    "%ed%a0%80",
    "99999999999999999999999999",
    "-1",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "x" * 3000,
    "%E4%BB%A4%E5%92%8C99999999%E5%B9%B4%E5%BA%A6",  # 令和99999999年度
]
TEMPLATES = [
    f"{API}/plans/{{v}}",
    f"{API}/plans/{PLAN}/items/{{v}}",
    f"{API}/plans/{PLAN}/years/{{v}}/achievement",
    f"{API}/plans/{PLAN}/years/{{v}}/statuses",
    f"{API}/plans/{PLAN}/items?area={{v}}",
    f"{API}/plans/{PLAN}/items?limit={{v}}",
    f"{API}/plans/{PLAN}/items?offset={{v}}",
    f"{API}/timeline?area={{v}}&limit={{v}}",
]


@pytest.mark.parametrize("template", TEMPLATES)
def test_hostile_values_are_4xx_never_5xx(town_data, template):
    client = Client(raise_request_exception=False)
    for value in HOSTILE:
        url = template.format(v=value)
        response = client.get(url)
        assert 400 <= response.status_code < 500, (url[:120], response.status_code)


# --- the open-data downloads point to the API -------------------------------------------


def test_the_open_data_page_and_downloads_say_where_the_api_is(client, town_data):
    html = client.get("/opendata/").content.decode()
    assert f'href="{API}/plans"' in html
    assert f'href="{API}/docs"' in html
    assert f'href="{API}/openapi.json"' in html
    assert "1分に" in html
    for url in (
        "/opendata/achievement.json?plan=nakai-dx-1.0&year=2025",
        "/opendata/achievement.csv",
    ):
        link = client.get(url)["Link"]
        assert f'<{API}/openapi.json>; rel="service-desc"' in link
        assert f'<{API}/docs>; rel="service-doc"' in link


def test_the_achievement_is_read_through_the_versioned_cache(client, town_data, monkeypatch):
    calls = []
    original = cache.achievements

    def counting(plan, years, rule=None):
        calls.append(tuple(years))
        return original(plan, years, rule=rule)

    monkeypatch.setattr(cache, "achievements", counting)
    url = reverse("api-1:achievement", args=[PLAN, 2025])
    get_json(client, url)
    assert calls == [(2025,)]
