"""The 重点施策区分 sheet carries each area's links to the national plan's 重点取組事項.

Export writes them, import sets them (an empty cell removes them, an absent column
leaves them), and a name that is not registered, or that two editions share, is
refused in Japanese without writing anything.
"""

import io

import pytest
from openpyxl import load_workbook

from actions.imports.workbook import exporter
from actions.imports.workbook import sheets as S
from actions.models import AuditEntry
from plans.models import NationalPlanItem, Plan, PriorityArea
from tests.factories import make_plan
from tests.imports.conftest import messages_of, run_import, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["計画ID", "番号", "区分名", "国計画の重点取組事項"]


@pytest.fixture
def plan():
    NationalPlanItem.objects.create(name="フロントヤード改革")
    NationalPlanItem.objects.create(name="ｅＬ－ＱＲ対応")  # as an operator might have typed it
    NationalPlanItem.objects.create(name="セキュリティ対策の徹底")
    return make_plan(slug="dx-2.0", areas=("町民サービスの向上", "セキュリティ対策の徹底"))


def linked(plan, number):
    area = PriorityArea.objects.get(plan=plan, number=number)
    return sorted(item.name for item in area.national_items.all())


def test_the_import_links_each_area_to_the_items_named(plan, admin_user):
    data = xlsx_bytes(
        {
            "重点施策区分": [
                HEADER,
                ["dx-2.0", 1, "町民サービスの向上", "フロントヤード改革、eL-QR対応"],
                ["dx-2.0", 2, "セキュリティ対策の徹底", "セキュリティ対策の徹底"],
            ]
        }
    )
    job = run_import(data, user=admin_user)
    assert job.ok, messages_of(job)
    assert linked(plan, 1) == ["フロントヤード改革", "ｅＬ－ＱＲ対応"]
    assert linked(plan, 2) == ["セキュリティ対策の徹底"]
    entry = AuditEntry.objects.get(action="重点施策区分の更新", object_repr="町民サービスの向上")
    assert entry.after["national_items"] == ["フロントヤード改革", "ｅＬ－ＱＲ対応"]
    # The same file again changes nothing.
    again = run_import(data, user=admin_user)
    assert again.summaries[S.AREA.name].unchanged == 2


def test_an_empty_cell_removes_the_links_and_an_absent_column_keeps_them(plan, admin_user):
    area = plan.areas.get(number=1)
    area.national_items.set(NationalPlanItem.objects.filter(name="フロントヤード改革"))
    kept = xlsx_bytes({"重点施策区分": [HEADER[:3], ["dx-2.0", 1, "町民サービスの向上"]]})
    assert run_import(kept, user=admin_user).ok
    assert linked(plan, 1) == ["フロントヤード改革"]
    emptied = xlsx_bytes({"重点施策区分": [HEADER, ["dx-2.0", 1, "町民サービスの向上", ""]]})
    assert run_import(emptied, user=admin_user).ok
    assert linked(plan, 1) == []


def test_a_new_area_gets_its_links(plan, admin_user):
    data = xlsx_bytes(
        {"重点施策区分": [HEADER, ["dx-2.0", 3, "防災DXの推進", "フロントヤード改革"]]}
    )
    assert run_import(data, user=admin_user).ok
    assert linked(plan, 3) == ["フロントヤード改革"]


def test_an_unknown_name_is_refused_in_japanese_and_nothing_is_written(plan, admin_user):
    data = xlsx_bytes(
        {
            "重点施策区分": [
                HEADER,
                ["dx-2.0", 1, "町民サービスの向上", "フロントヤード改革、窓口DX"],
            ]
        }
    )
    job = run_import(data, user=admin_user)
    assert not job.ok
    [error] = job.errors
    assert error.column == "国計画の重点取組事項"
    assert "「窓口DX」は登録されていません" in error.message
    assert "フロントヤード改革" in error.message  # the names it may use
    assert linked(plan, 1) == []


def test_a_name_two_editions_share_needs_its_edition(plan, admin_user):
    NationalPlanItem.objects.create(name="フロントヤード改革", edition="第4.0版")
    ambiguous = xlsx_bytes(
        {"重点施策区分": [HEADER, ["dx-2.0", 1, "町民サービスの向上", "フロントヤード改革"]]}
    )
    job = run_import(ambiguous, user=admin_user)
    assert not job.ok
    assert "「フロントヤード改革（第5.0版）」" in messages_of(job)[0]
    named = xlsx_bytes(
        {
            "重点施策区分": [
                HEADER,
                ["dx-2.0", 1, "町民サービスの向上", "フロントヤード改革（第4.0版）"],
            ]
        }
    )
    assert run_import(named, user=admin_user).ok
    area = plan.areas.get(number=1)
    assert [(i.name, i.edition) for i in area.national_items.all()] == [
        ("フロントヤード改革", "第4.0版")
    ]


def test_the_export_writes_the_links_as_the_import_reads_them(plan, admin_user):
    area = plan.areas.get(number=1)
    area.national_items.set(NationalPlanItem.objects.exclude(name="セキュリティ対策の徹底"))
    NationalPlanItem.objects.create(name="ｅＬ－ＱＲ対応", edition="第4.0版")
    data = exporter.workbook_bytes(exporter.build_workbook(Plan.objects.all()))
    ws = load_workbook(io.BytesIO(data))[S.AREA.name]
    header = [cell.value for cell in ws[1]]
    first = [cell.value for cell in ws[2]]
    cell = first[header.index("国計画の重点取組事項")]
    assert cell == "フロントヤード改革、ｅＬ－ＱＲ対応（第5.0版）"
    job = run_import(data, user=admin_user)
    assert job.ok, messages_of(job)
    assert job.summaries[S.AREA.name].unchanged == 2
