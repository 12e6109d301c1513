import csv
import io
import json

import pytest
from django.core.management import call_command

from actions import services
from actions.models import Status, YearlyStatus
from nakai_dx.templatetags.phrases import phrases
from plans.models import Plan
from plans.versions import data_changed
from tests.factories import make_year
from tests.reports.helpers import build_plan

pytestmark = pytest.mark.django_db

JSON_URL = "/opendata/achievement.json?plan=nakai-dx-1.0&year=2025"
CSV_HEADER = [
    "計画ID",
    "計画名",
    "年度",
    "年度（和暦）",
    "区分番号",
    "重点施策区分",
    "取組数",
    "達成",
    "一部達成",
    "未達成",
    "判定不可",
    "未評価",
    "評価済み",
    "達成度",
    "暫定",
]


def command_json(**options):
    out = io.StringIO()
    call_command("achievement", stdout=out, **options)
    return out.getvalue()


def test_the_json_is_the_document_the_command_prints(client, town_data):
    response = client.get(JSON_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    expected = command_json(plan="nakai-dx-1.0", year="2025", format="json")
    assert json.loads(response.content) == json.loads(expected)
    assert response.content.decode() == expected


def test_the_json_carries_the_same_digits_as_the_pages(client, town_data):
    document = json.loads(client.get(JSON_URL).content)
    assert [area["rate"] for area in document["areas"]] == [87.5, 66.7, 100.0, 50.0, 12.5]
    assert document["overall"]["pooled_rate"] == 60.0
    assert document["overall"]["mean_of_area_rates"] == 63.3


def test_the_json_gives_the_plans_printed_item_count_beside_the_registered_one(client, town_data):
    document = json.loads(client.get(JSON_URL).content)
    assert document["plan_item_counts"] == {
        "registered": 30,
        "in_plan_document": 30,
        "in_plan_document_note": "アクションプランに位置付けた取組数",
    }
    plan = Plan.objects.get(slug="nakai-dx-2.0")
    YearlyStatus.objects.create(item=plan.items.first(), fiscal_year=2026, status=Status.ACHIEVED)
    make_year(plan, 2026, "published")
    document = json.loads(
        client.get("/opendata/achievement.json?plan=nakai-dx-2.0&year=2026").content
    )
    assert document["plan_item_counts"] == {
        "registered": 11,
        "in_plan_document": 27,
        "in_plan_document_note": "再掲分含む",
    }
    assert document["overall"]["total"] == 11


def test_the_csv_is_long_format_utf8_with_a_bom(client, town_data):
    response = client.get("/opendata/achievement.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == CSV_HEADER
    assert len(rows) == 1 + 5
    assert rows[1] == [
        "nakai-dx-1.0",
        "中井町DX推進計画（1.0版）",
        "2025",
        "令和7年度（2025年度）",
        "1",
        "町民サービスの向上",
        "8",
        "6",
        "1",
        "1",
        "0",
        "0",
        "8",
        "87.5",
        "0",
    ]
    assert [row[-2] for row in rows[1:]] == ["87.5", "66.7", "100.0", "50.0", "12.5"]


def test_the_csv_has_a_shift_jis_variant_that_decodes_as_cp932(client, town_data):
    response = client.get("/opendata/achievement.csv?encoding=sjis")
    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    text = response.content.decode("cp932")
    assert not text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == CSV_HEADER
    assert rows[4][5] == "デジタルデバイド対策"
    assert "_sjis.csv" in response["Content-Disposition"]


def test_the_csv_serves_published_years_only(client, db):
    plan = build_plan(10, years=(2024, 2025))
    plan.evaluation_years.filter(fiscal_year=2024).update(is_published=False)
    rows = list(
        csv.reader(io.StringIO(client.get("/opendata/achievement.csv").content.decode("utf-8-sig")))
    )
    assert {row[2] for row in rows[1:]} == {"2025"}
    assert client.get("/opendata/achievement.csv?plan=big-plan&year=2024").status_code == 404


@pytest.fixture
def locked_2024(town_data):
    """Plan 1.0's 令和6年度 evaluated and locked (確定) by the 本部, but not published."""
    plan = Plan.objects.get(slug="nakai-dx-1.0")
    YearlyStatus.objects.bulk_create(
        [
            YearlyStatus(item=item, fiscal_year=2024, status=Status.NOT_ACHIEVED, comment="下書き")
            for item in plan.items.all()
        ]
    )
    data_changed(plan, [2024])  # a bulk write sends no signal
    make_year(plan, 2024, "locked")
    return plan


def test_the_json_refuses_a_locked_year_that_is_not_published(client, locked_2024):
    response = client.get("/opendata/achievement.json?plan=nakai-dx-1.0&year=2024")
    assert response.status_code == 404
    assert "令和6年度（2024年度）の達成状況は公表されていません。" in response.content.decode()
    assert client.get(JSON_URL).status_code == 200


def test_the_csv_leaves_out_a_locked_year_that_is_not_published(client, locked_2024):
    rows = list(
        csv.reader(io.StringIO(client.get("/opendata/achievement.csv").content.decode("utf-8-sig")))
    )
    assert [(row[0], row[2]) for row in rows[1:]] == [("nakai-dx-1.0", "2025")] * 5
    for url in (
        "/opendata/achievement.csv?plan=nakai-dx-1.0&year=2024",
        "/opendata/achievement.csv?year=2024",
        "/opendata/achievement.csv?year=2024&encoding=sjis",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "令和6年度（2024年度）の達成状況は公表されていません。" in response.content.decode()
    only_plan = client.get("/opendata/achievement.csv?plan=nakai-dx-1.0").content.decode(
        "utf-8-sig"
    )
    assert {row[2] for row in list(csv.reader(io.StringIO(only_plan)))[1:]} == {"2025"}


def test_the_open_data_page_lists_a_locked_year_only_once_it_is_published(client, locked_2024):
    html = client.get("/opendata/").content.decode()
    assert "year=2024" not in html
    services.publish_year(locked_2024, 2024)
    html = client.get("/opendata/").content.decode()
    assert 'href="/opendata/achievement.json?plan=nakai-dx-1.0&amp;year=2024"' in html


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "/opendata/achievement.json?plan=nakai-dx-9.9&year=2025",
            "計画ID「nakai-dx-9.9」の計画は登録されていません。",
        ),
        (
            "/opendata/achievement.json?plan=nakai-dx-1.0&year=2024",
            "令和6年度（2024年度）の達成状況は公表されていません。",
        ),
        ("/opendata/achievement.json?plan=nakai-dx-1.0&year=xyz", "年度「xyz」は読み取れません。"),
        ("/opendata/achievement.json", "計画（plan）と年度（year）を指定してください。"),
        ("/opendata/achievement.json?plan=nakai-dx-2.0&year=2025", "公表されていません"),
        (
            "/opendata/achievement.csv?plan=nakai-dx-9.9",
            "計画ID「nakai-dx-9.9」の計画は登録されていません。",
        ),
        (
            "/opendata/achievement.csv?year=2031",
            "令和13年度（2031年度）の達成状況は公表されていません。",
        ),
    ],
)
def test_unknown_or_unpublished_data_is_a_japanese_404(client, town_data, url, message):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert message in html
    assert '<html lang="ja">' in html


def test_an_unknown_encoding_is_refused_in_japanese(client, town_data):
    response = client.get("/opendata/achievement.csv?encoding=latin1")
    assert response.status_code == 400
    assert "encoding には utf-8 または sjis を指定してください。" in response.content.decode()


def test_the_index_describes_each_dataset_its_columns_encoding_and_licence(client, town_data):
    html = client.get("/opendata/").content.decode()
    assert "CC BY 4.0" in html
    assert "UTF-8（BOM付き）" in html
    assert "Shift_JIS" in html
    for column in CSV_HEADER:
        assert f'<th scope="row">{phrases(column)}</th>' in html  # breaks between phrases
    assert 'href="/opendata/achievement.json?plan=nakai-dx-1.0&amp;year=2025"' in html


@pytest.mark.parametrize("item_count", [10, 1000])
def test_the_open_data_query_counts_do_not_grow_with_the_items(
    client, item_count, django_assert_num_queries
):
    build_plan(item_count)
    # The first includes 1 for the data versions the cached copies are keyed by and 1 for
    # the request's town; the others take both from this process's last reading (their
    # stamp is unchanged).
    with django_assert_num_queries(7):
        client.get("/opendata/achievement.json?plan=big-plan&year=2025")
    with django_assert_num_queries(4):
        client.get("/opendata/achievement.csv")
    with django_assert_num_queries(1):
        client.get("/opendata/")
    with django_assert_num_queries(0):  # served again whole from the cache
        client.get("/opendata/achievement.csv")
