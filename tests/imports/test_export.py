"""Exports: the same columns as the import reads, and no formula injection."""

import io

import pytest
from openpyxl import load_workbook

from actions.imports.resources import SHEET_RESOURCES, queryset_for_plan
from actions.imports.workbook import exporter
from actions.imports.workbook import sheets as S
from plans.models import Plan
from tests.factories import make_items, make_plan
from tests.imports.conftest import run_import

pytestmark = pytest.mark.django_db

INJECTIONS = ['=HYPERLINK("http://x","x")', "+SUM(A1)", "-1+2", "@cmd", "\tタブ", "\r改行"]


@pytest.mark.parametrize("sheet", S.SHEETS, ids=lambda s: s.name)
def test_each_resource_exports_exactly_its_sheets_header(sheet):
    assert SHEET_RESOURCES[sheet.name]().get_export_headers() == sheet.names


@pytest.fixture
def hostile_plan(db):
    plan = make_plan(slug="p1")
    items = make_items(plan, plan.areas.get(number=1), len(INJECTIONS))
    for item, title in zip(items, INJECTIONS, strict=True):
        item.title = title
        item.save()
    return plan


def test_cells_that_would_run_as_formulas_are_neutralised_in_xlsx(hostile_plan):
    book = load_workbook(
        io.BytesIO(exporter.workbook_bytes(exporter.build_workbook([hostile_plan])))
    )
    titles = [row[2].value for row in book["取組"].iter_rows(min_row=2)]
    # XML turns a stored CR into LF on reading; what matters is the leading apostrophe.
    assert titles == ["'" + title.replace("\r", "\n") for title in INJECTIONS]
    assert all(row[2].data_type == "s" for row in book["取組"].iter_rows(min_row=2))


def test_cells_that_would_run_as_formulas_are_neutralised_in_csv(hostile_plan):
    text = exporter.sheet_csv_bytes("取組", [hostile_plan]).decode("utf-8-sig")
    assert "\"'=HYPERLINK" in text and ",'+SUM(A1)," in text and ",'@cmd," in text


def test_neutralised_cells_round_trip_unchanged(hostile_plan, admin_user):
    # A title beginning with a bare CR cannot survive XML; the others must.
    hostile_plan.items.filter(title__startswith="\r").delete()
    job = run_import(
        exporter.workbook_bytes(exporter.build_workbook([hostile_plan])), user=admin_user
    )
    assert job.errors == [] and job.total_writes == 0


def test_the_blank_template_imports_as_nothing(town_data, admin_user):
    job = run_import(
        exporter.workbook_bytes(exporter.build_workbook(Plan.objects.all(), template=True))
    )
    assert job.errors == [] and job.total_writes == 0


def test_the_export_keeps_numbers_and_dates_native(town_data):
    book = load_workbook(
        io.BytesIO(
            exporter.workbook_bytes(
                exporter.build_workbook(Plan.objects.filter(slug="nakai-dx-1.0"))
            )
        )
    )
    plan_row = [c.value for c in book["計画"][2]]
    assert plan_row[0] == "nakai-dx-1.0" and plan_row[4].year == 2023
    status_row = [c.value for c in book["達成状況"][2]]
    assert status_row[:4] == ["nakai-dx-1.0", "1", 2025, "達成"]  # 取組番号 is text
    assert [c.value for c in book["指標実績"][2]][-1] == 100


@pytest.mark.parametrize("sheet", [S.ITEM, S.STATUS, S.KPI_ACTUAL], ids=lambda s: s.name)
def test_the_streamed_rows_are_the_resources_rows(town_data, sheet):
    """The long sheets are read as tuples: the same rows as the Resource's own export."""
    resource = SHEET_RESOURCES[sheet.name]()
    compared = 0
    for plan in Plan.objects.all():
        queryset = queryset_for_plan(sheet.name, plan)
        dataset = resource.export(queryset, force_native_type=True)
        rows = list(resource.export_rows(queryset))
        assert rows == [list(row) for row in dataset]
        compared += len(rows)
    assert compared  # the town's data has rows on both sheets


def test_the_write_only_export_keeps_styles_formats_and_choices(town_data):
    book = load_workbook(
        io.BytesIO(exporter.workbook_bytes(exporter.build_workbook(Plan.objects.all())))
    )
    ws = book["達成状況"]
    header = ws[1]
    assert [c.value for c in header] == S.STATUS.names
    assert all(c.font.b for c in header) and ws.freeze_panes == "A2"
    codes = [row[1] for row in ws.iter_rows(min_row=2)]
    assert codes and all(c.number_format == "@" and isinstance(c.value, str) for c in codes)
    assert ws.column_dimensions["B"].number_format == "@"  # cells typed later stay text
    assert book["計画"]["E2"].number_format == "yyyy/m/d"
    assert book[S.CHOICES_SHEET].sheet_state == "hidden"
    (rule,) = ws.data_validations.dataValidation
    assert str(rule.sqref) == "D2:D2000"
