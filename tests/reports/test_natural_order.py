"""Items come in natural order everywhere they are listed: A-2 before A-10, 1-(2) before 1-(10).

The order comes from ActionItem.sort_key, so it holds under SQLite's and
PostgreSQL's collations alike; run this file on both.
"""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from actions.imports.workbook import exporter
from actions.models import ActionItem, Kpi, KpiActual, YearlyStatus
from tests.actions.staff_users import make_user
from tests.factories import make_plan, make_section, make_year

pytestmark = pytest.mark.django_db

# Natural order; any text sort gets at least one pair of these wrong.
NATURAL = [
    "1-(2)",
    "1-(2)-③",
    "1-(10)",
    "2",
    "10",
    "①",
    "②",
    "⑩",
    "Ⅱ-3",
    "A-01",
    "A-2",
    "A-10",
    "防1",
    "防2",
    "防10",
]
SHUFFLED = [
    "A-10",
    "10",
    "防10",
    "1-(10)",
    "⑩",
    "A-2",
    "2",
    "Ⅱ-3",
    "防1",
    "1-(2)-③",
    "②",
    "A-01",
    "1-(2)",
    "①",
    "防2",
]


@pytest.fixture
def plan(db):
    plan = make_plan(slug="p1")
    area = plan.areas.get(number=1)
    section = make_section("窓口課")
    for code in SHUFFLED:
        item = ActionItem.objects.create(
            plan=plan, code=code, title=f"取組 {code}", primary_area=area, section=section
        )
        YearlyStatus.objects.create(item=item, fiscal_year=2025, status="achieved")
        kpi = Kpi.objects.create(item=item, name="指標")
        KpiActual.objects.create(kpi=kpi, fiscal_year=2025, value=1)
    make_year(plan, 2025, "published")
    plan.section = section
    return plan


def codes_in(text, prefix="取組 "):
    """The item codes in the order a page or file names them (as 「取組 CODE」)."""
    pattern = "|".join(re.escape(prefix + code) for code in sorted(NATURAL, key=len, reverse=True))
    return [match[len(prefix) :] for match in re.findall(pattern, text)]


def test_it_is_not_the_text_order():
    assert sorted(NATURAL) != NATURAL


def test_the_queryset_and_the_plan_page(client, plan):
    assert list(ActionItem.objects.filter(plan=plan).values_list("code", flat=True)) == NATURAL
    page = client.get(plan.get_absolute_url()).content.decode()
    assert codes_in(page.split('id="items-heading"')[1]) == NATURAL


@pytest.mark.parametrize("query", ["", "?sort=code", "?sort=status"])
def test_the_area_table(client, plan, query):
    page = client.get(plan.areas.get(number=1).get_absolute_url() + query).content.decode()
    assert codes_in(page) == NATURAL


def test_the_area_table_sorted_by_code_descending(client, plan):
    page = client.get(plan.areas.get(number=1).get_absolute_url() + "?sort=-code").content.decode()
    assert codes_in(page) == NATURAL[::-1]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_area_exports(client, plan, export_format):
    response = client.get(plan.areas.get(number=1).get_absolute_url() + f"?_export={export_format}")
    if export_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        codes = [row[0] for row in rows[1:]]
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == NATURAL


def test_my_items(client, plan):
    client.force_login(make_user("tanaka", "staff", [plan.section]))
    page = client.get(reverse("actions:my_items"), {"plan": "p1", "year": 2025}).content.decode()
    # Titles break between phrases (<wbr>): read as text.
    assert codes_in(page.split("<tbody>")[1].replace("<wbr>", "")) == NATURAL


@pytest.mark.parametrize("sheet", ["取組", "達成状況", "指標", "指標実績"])
def test_the_workbook_export_and_its_csv(plan, sheet):
    book = load_workbook(io.BytesIO(exporter.workbook_bytes(exporter.build_workbook([plan]))))
    column = [c.value for c in book[sheet][1]].index("取組番号")
    codes = [row[column].value for row in book[sheet].iter_rows(min_row=2)]
    assert codes == NATURAL
    rows = list(
        csv.reader(io.StringIO(exporter.sheet_csv_bytes(sheet, [plan]).decode("utf-8-sig")))
    )
    assert [row[column] for row in rows[1:]] == NATURAL


def test_the_workbook_export_writes_codes_as_text_cells(plan):
    book = load_workbook(io.BytesIO(exporter.workbook_bytes(exporter.build_workbook([plan]))))
    for sheet in ("取組", "達成状況", "指標", "指標実績"):
        ws = book[sheet]
        column = [c.value for c in ws[1]].index("取組番号") + 1
        cells = [row[0] for row in ws.iter_rows(min_row=2, min_col=column, max_col=column)]
        assert len(cells) == len(NATURAL)
        for cell in cells:
            assert cell.data_type == "s" and cell.number_format == "@", (sheet, cell.coordinate)
        letter = ws.cell(row=1, column=column).column_letter
        assert ws.column_dimensions[letter].number_format == "@"  # for cells typed later


def test_the_template_formats_code_columns_as_text():
    book = load_workbook(
        io.BytesIO(exporter.workbook_bytes(exporter.build_workbook([], template=True)))
    )
    ws = book["取組"]
    for name in ("取組番号", "旧取組番号"):
        letter = ws.cell(row=1, column=[c.value for c in ws[1]].index(name) + 1).column_letter
        assert ws.column_dimensions[letter].number_format == "@"
    rows = [[c.value for c in row] for row in book["記入例"].iter_rows()]
    columns = [
        "計画ID",
        "取組番号",
        "取組名",
        "重点施策区分",
        "再掲区分",
        "担当課",
        "概要",
        "旧取組番号",
    ]
    header = next(index for index, row in enumerate(rows) if set(columns) <= set(row))
    assert rows[header + 1][:2] == ["nakai-dx-2.0", "1-(2)-③"]


def test_the_admin_changelist_sorts_the_code_column_naturally(client, plan, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    url = reverse("admin:actions_actionitem_changelist")
    assert admin_codes(client.get(url)) == NATURAL
    # The 取組番号 column (the second) sorted both ways by its natural key.
    assert admin_codes(client.get(url + "?o=2")) == NATURAL
    assert admin_codes(client.get(url + "?o=-2")) == NATURAL[::-1]


def admin_codes(response):
    return re.findall(r'class="field-item_code"><a [^>]*>([^<]+)</a>', response.content.decode())
