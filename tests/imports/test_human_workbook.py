"""A workbook written the way a person types it: title rows, 全角, 和暦, 別表記, formulas."""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from actions.models import ActionItem, Kpi, KpiActual, Status, YearlyStatus
from plans.models import Plan
from tests.factories import make_items
from tests.imports.conftest import run_import

pytestmark = pytest.mark.django_db


def with_cached_values(data, values):
    """openpyxl writes formulas without a result; store the result Excel would have saved."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                for coordinate, value in values.items():
                    content = re.sub(
                        rf'(<c r="{coordinate}"[^>]*><f>[^<]*</f>)<v */>'.encode(),
                        rb"\1<v>" + str(value).encode() + b"</v>",
                        content,
                    )
            target.writestr(info, content)
    return buffer.getvalue()


def human_workbook():
    book = Workbook()
    book.remove(book.active)

    ws = book.create_sheet("取組")
    ws.append(["令和7年度 取組一覧（デジタル推進班）"])
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(["取組番号", "計画ID", "取組名", "重点施策区分", "再掲区分", "概要", None, None])
    ws.append(
        [
            "３１",
            "nakai-dx-1.0",
            "　スマホ教室（全角スペースつき）　",
            "デジタルデバインド対策",
            "セキュリティ対策の強化",
            "説明",
        ]
    )
    ws.append([32, "nakai-dx-1.0", "地域防犯", "デジタルデバйд対策", "1／2", ""])
    ws.append([33, "nakai-dx-1.0", "情報研修", "セキュリティ対策の強化", "", ""])

    ws = book.create_sheet("達成状況 ")
    ws.append(["中井町DX推進計画 達成状況調査票"])
    ws.merge_cells("A1:E1")
    ws.append(["計画ID", "取組番号", "年度", "達成状況", "備考"])
    ws.append(["nakai-dx-1.0", "３１", "令和６年度", "一部達成", "  途中まで  "])
    ws.append(["nakai-dx-1.0", 32, "R6", " 達成 ", ""])
    ws.append(["nakai-dx-1.0", 33, "=2023+1", "判定不可", "研修中止"])
    ws.append(["nakai-dx-1.0", 31, "令和5年度", "", ""])
    ws.append([None, None, None, None, None])

    ws = book.create_sheet("指標")
    ws.append(["計画ID", "取組番号", "指標名", "単位", "基準値", "基準年度", "目標値", "目標年度"])
    ws.append(["nakai-dx-1.0", 31, "参加率", "%", "７４％", "令和5年度", "1,000", "R7"])

    ws = book.create_sheet("指標実績")
    ws.append(["計画ID", "取組番号", "指標名", "年度", "実績値"])
    ws.append(["nakai-dx-1.0", 31, "参加率", "2024年度", 0.81])
    ws["E2"].number_format = "0%"
    ws.append(["nakai-dx-1.0", 31, "参加率", "令和元年度", ""])

    buffer = io.BytesIO()
    book.save(buffer)
    return with_cached_values(buffer.getvalue(), {"C5": 2024})


def test_a_year_outside_the_period_is_caught_even_on_a_blank_row(town_data, admin_user):
    # 令和元年度 is outside plan 1.0's period: the blank actual row is still checked.
    data = human_workbook()
    job = run_import(data, user=admin_user, dry_run=True)
    assert [(e.sheet, e.row, e.column) for e in job.errors] == [("指標実績", 3, "年度")]


def test_values_are_read_as_meant(town_data, admin_user):
    plan = Plan.objects.get(slug="nakai-dx-1.0")
    # Without the out-of-period row, the rest imports.
    book = load_workbook(io.BytesIO(human_workbook()))
    book["指標実績"].delete_rows(3)
    buffer = io.BytesIO()
    book.save(buffer)
    data = with_cached_values(buffer.getvalue(), {"C5": 2024})

    job = run_import(data, user=admin_user)

    assert job.errors == []
    items = {
        int(item.code): item
        for item in ActionItem.objects.filter(plan=plan)
        if int(item.code) >= 31
    }
    assert items[31].title == "スマホ教室（全角スペースつき）"
    assert items[31].primary_area.name == "デジタルデバイド対策"
    assert [a.name for a in items[31].relisted_areas.all()] == ["セキュリティ対策の徹底"]
    assert items[32].primary_area.name == "デジタルデバイド対策"
    assert sorted(a.number for a in items[32].relisted_areas.all()) == [1, 2]
    assert items[33].primary_area.name == "セキュリティ対策の徹底"

    statuses = {
        (int(s.item.code), s.fiscal_year): s
        for s in YearlyStatus.objects.filter(item__plan=plan).select_related("item")
        if int(s.item.code) >= 31
    }
    assert set(statuses) == {
        (31, 2024),
        (32, 2024),
        (33, 2024),
    }  # the blank 令和5年度 row is 未評価
    assert statuses[(31, 2024)].status == Status.PARTIALLY_ACHIEVED
    assert statuses[(31, 2024)].comment == "途中まで"
    assert statuses[(32, 2024)].status == Status.ACHIEVED
    assert statuses[(33, 2024)].status == Status.UNDETERMINABLE

    kpi = Kpi.objects.get(item=items[31])
    assert (kpi.baseline_value, kpi.baseline_year, kpi.target_value, kpi.target_year) == (
        Decimal("74"),
        2023,
        Decimal("1000"),
        2025,
    )
    assert KpiActual.objects.get(kpi=kpi, fiscal_year=2024).value == Decimal("81")


def test_dates_in_every_form_are_read(db, admin_user):
    book = Workbook()
    ws = book.active
    ws.title = "計画"
    ws.append(["計画ID", "計画名", "版", "策定年月", "計画期間開始", "計画期間終了"])
    ws.append(["a-1", "計画A", 2.0, "令和5年8月", "2023/8/1", "令和9年度末"])
    ws.append(
        ["b-1", "計画B", "１．０", datetime.date(2023, 8, 1), "2023-08-01", "令和10年3月31日"]
    )
    buffer = io.BytesIO()
    book.save(buffer)

    job = run_import(buffer.getvalue(), user=admin_user)

    assert job.errors == []
    a, b = Plan.objects.get(slug="a-1"), Plan.objects.get(slug="b-1")
    assert (a.version, a.published_on, a.period_start, a.period_end) == (
        "2.0",
        datetime.date(2023, 8, 1),
        datetime.date(2023, 8, 1),
        datetime.date(2028, 3, 31),
    )
    assert (b.version, b.published_on, b.period_end) == (
        "1.0",
        datetime.date(2023, 8, 1),
        datetime.date(2028, 3, 31),
    )


def test_a_new_plan_its_areas_items_and_statuses_come_in_one_file(db, admin_user):
    book = Workbook()
    book.remove(book.active)
    book.create_sheet("計画").append(
        ["計画ID", "計画名", "版", "策定年月", "計画期間開始", "計画期間終了"]
    )
    book["計画"].append(["new-1", "新計画", "1.0", "2025/4/1", "2025/4/1", "令和9年度末"])
    book.create_sheet("重点施策区分").append(["計画ID", "番号", "区分名", "別表記"])
    book["重点施策区分"].append(["new-1", 1, "防災DXの推進", "防災DX；防災"])
    book.create_sheet("取組").append(["計画ID", "取組番号", "取組名", "重点施策区分"])
    book["取組"].append(["new-1", 1, "GIS訓練", "防災"])
    book.create_sheet("達成状況").append(["計画ID", "取組番号", "年度", "達成状況"])
    book["達成状況"].append(["new-1", 1, "R7", "達成"])
    buffer = io.BytesIO()
    book.save(buffer)

    job = run_import(buffer.getvalue(), user=admin_user)

    assert job.errors == []
    item = ActionItem.objects.get(plan__slug="new-1", code="1")
    assert item.primary_area.alias_list == ["防災DX", "防災"]
    assert item.statuses.get().status == Status.ACHIEVED
    assert job.summaries["計画"].created == 1


def test_an_area_number_in_the_area_column_is_accepted(db, admin_user):
    from tests.factories import make_plan

    plan = make_plan(slug="p2", areas=("町民サービスの向上", "行政事務の効率化"))
    make_items(plan, plan.areas.get(number=1), 1)
    book = Workbook()
    book.active.title = "取組"
    book.active.append(["計画ID", "取組番号", "取組名", "重点施策区分"])
    book.active.append(["p2", 1, "取組1", "②"])
    buffer = io.BytesIO()
    book.save(buffer)

    job = run_import(buffer.getvalue(), user=admin_user)

    assert job.errors == [] and job.summaries["取組"].updated == 1
    assert ActionItem.objects.get(plan=plan, code="1").primary_area.number == 2
