"""Hostile text in names and comments: escaped in pages and chart JSON, neutralised in exports."""

import csv
import io
import json
import re

import openpyxl
import pytest

from actions.models import ActionItem, YearlyStatus
from plans.models import PriorityArea
from tests.reports.helpers import build_plan

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.com","x")'
SCRIPT = "</script><script>alert(1)</script>"


@pytest.fixture
def hostile(db):
    plan = build_plan(4, years=(2025,))
    area = PriorityArea.objects.get(plan=plan, number=1)
    area.name = SCRIPT
    area.save(update_fields=["name"])
    items = ActionItem.objects.filter(plan=plan, primary_area=area)
    items.filter(code="1").update(title=FORMULA)
    items.filter(code="2").update(title=SCRIPT)
    YearlyStatus.objects.filter(item__in=items, fiscal_year=2025).update(comment="@SUM(1+1)")
    return plan


def test_pages_escape_hostile_names(client, hostile):
    for url in (
        "/?plan=big-plan",
        "/plans/big-plan/areas/1/",
        "/plans/big-plan/items/2/",
        "/plans/big-plan/",
    ):
        # Names break between phrases (<wbr>); without the breaks nothing may read as a tag.
        html = client.get(url).content.decode().replace("<wbr>", "")
        assert "<script>alert(1)" not in html, url
        assert "&lt;script&gt;alert(1)" in html or "\\u003Cscript\\u003Ealert(1)" in html, url


def test_chart_json_cannot_close_its_script_element_and_shows_text_not_markup(client, hostile):
    html = client.get("/?plan=big-plan").content.decode()
    data = re.search(
        r'<script id="chart-area-rates-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert data is not None
    assert "</script>" not in data.group(1)
    figure = json.loads(data.group(1))
    # plotly renders some HTML in labels, so the label carries entities, not tags.
    assert "&lt;/script&gt;&lt;script&gt;" in figure["data"][0]["y"][0].replace("<br>", "")


def test_the_csv_export_neutralises_formulas(client, hostile):
    response = client.get("/plans/big-plan/areas/1/?_export=csv&year=2025")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    titles = {row[1] for row in rows[1:]}
    assert "'" + FORMULA in titles
    assert FORMULA not in titles
    assert all(row[4] == "'@SUM(1+1)" for row in rows[1:])


def test_the_xlsx_export_holds_text_not_formulas(client, hostile):
    response = client.get("/plans/big-plan/areas/1/?_export=xlsx&year=2025")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert "'" + FORMULA in [cell.value for cell in cells]


def test_the_open_data_csv_neutralises_area_names(client, hostile):
    area = PriorityArea.objects.get(plan=hostile, number=2)
    area.name = "-1+2"
    area.save(update_fields=["name"])
    rows = list(
        csv.reader(io.StringIO(client.get("/opendata/achievement.csv").content.decode("utf-8-sig")))
    )
    assert rows[2][5] == "'-1+2"
