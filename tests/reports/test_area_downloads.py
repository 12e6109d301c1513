"""The area table's downloads: built once per version of the data, limited per anonymous client.

An export of 100,000 rows costs a worker seconds; it is made once for a
version of the data and served from the cache after that, to every reader.
Anonymous clients get EXPORT_RATE_LIMIT downloads a minute (the README states
the number), then a Japanese 429 page with Retry-After.
"""

import csv
import io
import re
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from django.conf import settings
from django.test import Client, override_settings

from actions import services
from actions.models import ActionItem, Status
from reports import views
from tests.actions.staff_users import make_user
from tests.reports.helpers import build_plan

pytestmark = pytest.mark.django_db

AREA = "/plans/nakai-dx-1.0/areas/1/?year=2025"
CSV = AREA + "&_export=csv"
XLSX = AREA + "&_export=xlsx"
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def builds():
    with mock.patch.object(views, "table_file", wraps=views.table_file) as built:
        yield built


def _rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_an_export_is_built_once_per_data_version(client, town_data, builds):
    first = client.get(CSV)
    assert first.status_code == 200
    assert client.get(CSV + "&utm_source=x").content == first.content
    reader = Client()
    reader.force_login(make_user("manager", "manager"))
    assert reader.get(CSV).content == first.content  # signed in: the same file from the cache
    assert builds.call_count == 1

    item = ActionItem.objects.get(plan__slug="nakai-dx-1.0", code="1")
    item.title = "名称を訂正した取組"
    item.save()  # a new version of the plan's data
    after = client.get(CSV)
    assert builds.call_count == 2
    assert "名称を訂正した取組" in after.content.decode("utf-8-sig")
    assert client.get(CSV).content == after.content
    assert builds.call_count == 2


def test_each_format_and_order_is_its_own_file(client, town_data, builds):
    client.get(CSV)
    client.get(XLSX)
    client.get(CSV + "&sort=-code")
    client.get(CSV + "&sort=-code&page=3")  # the page does not change a download
    assert builds.call_count == 3
    by_code = _rows(client.get(CSV))[1:]
    reversed_rows = _rows(client.get(CSV + "&sort=-code"))[1:]
    assert reversed_rows == by_code[::-1]


def test_a_draft_export_follows_every_save_and_only_of_its_year(client, db, builds):
    plan = build_plan(30, years=(2024,))
    admin = make_user("admin", "admin")
    client.force_login(admin)
    item = ActionItem.objects.filter(plan=plan, primary_area__number=1).order_by("sort_key")[0]
    services.record_status(item, 2025, status=Status.ACHIEVED, user=admin)
    url = f"/plans/{plan.slug}/areas/1/?year=2025&_export=csv"
    assert _rows(client.get(url))[1][3] == "達成"
    services.record_status(item, 2026, status=Status.ACHIEVED, user=admin)  # another year
    client.get(url)
    assert builds.call_count == 1
    services.record_status(item, 2025, status=Status.NOT_ACHIEVED, comment="遅れ", user=admin)
    assert _rows(client.get(url))[1][3:5] == ["未達成", "遅れ"]
    assert builds.call_count == 2


def test_the_xlsx_is_the_table_in_write_only_form(client, town_data):
    book = openpyxl.load_workbook(io.BytesIO(client.get(XLSX).content))
    sheet = book.active
    csv_rows = _rows(client.get(CSV))
    values = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert values == csv_rows
    assert csv_rows[0] == ["番号", "取組名", "再掲", "達成状況", "備考", "主な区分", "名称の公表"]


def test_the_readme_states_the_export_limit_the_settings_use():
    stated = re.search(r"1つの接続元から1分間に(\d+)回まで", README.read_text())
    assert stated, "README に書き出しの上限がありません"
    assert int(stated.group(1)) == settings.EXPORT_RATE_LIMIT


def test_an_anonymous_client_past_the_limit_gets_a_japanese_429(client, town_data):
    for n in range(settings.EXPORT_RATE_LIMIT):
        # Unique query strings and both formats count alike.
        url = (CSV if n % 2 else XLSX) + f"&n={n}"
        assert client.get(url).status_code == 200, n
    refused = client.get(CSV + "&again=1")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    html = refused.content.decode()
    assert "1分間に20回まで" in html
    assert "もう一度お試しください" in html
    # The pages themselves are not limited, and another client still downloads.
    assert client.get(AREA).status_code == 200
    assert client.get(CSV, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_made_up_session_cookie_does_not_escape_the_limit(client, town_data):
    client.cookies["sessionid"] = "no-such-session"
    with override_settings(EXPORT_RATE_LIMIT=2):
        assert client.get(CSV).status_code == 200
        assert client.get(CSV + "&x=1").status_code == 200
        assert client.get(CSV + "&x=2").status_code == 429


def test_signed_in_staff_are_not_limited(client, town_data):
    client.force_login(make_user("manager", "manager"))
    with override_settings(EXPORT_RATE_LIMIT=2):
        for n in range(4):
            assert client.get(CSV + f"&n={n}").status_code == 200


def test_the_limit_can_be_turned_off(client, town_data):
    with override_settings(EXPORT_RATE_LIMIT=0):
        for n in range(25):
            assert client.get(CSV + f"&n={n}").status_code == 200
