"""The workbook carries the plan's words in English and やさしい日本語 as optional columns."""

import io

import pytest
from openpyxl import load_workbook

from actions.imports.workbook import exporter
from actions.models import ActionItem, AuditEntry, Kpi
from plans.models import Plan, PriorityArea
from tests.factories import make_items, make_plan
from tests.imports.conftest import messages_of, run_import, xlsx_bytes

pytestmark = pytest.mark.django_db

ITEM_HEADER = ["計画ID", "取組番号", "取組名", "重点施策区分"]
EN, EASY = "取組名（英語）", "取組名（やさしい日本語）"


@pytest.fixture
def item(db):
    plan = make_plan(slug="p1", areas=("町民サービスの向上",))
    (item,) = make_items(plan, plan.areas.get(), 1)
    item.title, item.title_en, item.title_easy = (
        "スマホ相談会",
        "Smartphone help",
        "スマホの そうだん",
    )
    item.save()
    return item


def items_book(header, *rows):
    return xlsx_bytes({"取組": [header, *rows]})


def sheet(data, name):
    rows = list(load_workbook(io.BytesIO(data))[name].values)
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def test_the_export_writes_each_translation_beside_its_text(town_data):
    data = exporter.workbook_bytes(exporter.build_workbook(Plan.objects.all()))
    area = next(row for row in sheet(data, "重点施策区分") if row["区分名"] == "防災DXの推進")
    assert area["区分名（英語）"] == "Digital tools for disaster preparedness"
    assert area["主な取組（やさしい日本語）"].startswith("さいがいに そなえて GIS")
    item = next(row for row in sheet(data, "取組") if row["取組名"] == "スマホ相談会")
    assert (item[EN], item[EASY]) == ("Smartphone help sessions", "スマホ そうだんかい")
    kpi = next(row for row in sheet(data, "指標") if row["指標名"] == "テレワーク実施職員数")
    assert (kpi["単位（英語）"], kpi["指標名（やさしい日本語）"]) == (
        "people a year",
        "テレワーク（家などで する しごと）を した しょくいんの 数",
    )
    plan = next(row for row in sheet(data, "計画") if row["計画ID"] == "nakai-dx-2.0")
    assert plan["計画名（英語）"] == "Nakai Town Digital Transformation (DX) Promotion Plan"


def test_the_template_has_the_columns_and_says_what_they_do():
    data = exporter.workbook_bytes(exporter.build_workbook(template=True))
    book = load_workbook(io.BytesIO(data))
    assert [c.value for c in book["取組"][1]][-3:] == [EN, EASY, "旧取組番号"]
    assert [c.value for c in book["指標"][1]][-4:] == [
        "指標名（英語）",
        "指標名（やさしい日本語）",
        "単位（英語）",
        "単位（やさしい日本語）",
    ]
    guide = "\n".join(str(row[0]) for row in book["説明"].values if row and row[0])
    assert "翻訳の列（任意）" in guide
    assert "取組名（英語） … 英語のページに表示する取組名（任意）" in guide


def test_an_edited_translation_updates_only_that_field_and_is_audited(item, admin_user):
    data = items_book(
        [*ITEM_HEADER, EN, EASY],
        ["p1", 1, "スマホ相談会", 1, "Smartphone help sessions", "スマホの そうだん"],
    )

    job = run_import(data, user=admin_user)

    assert job.errors == [] and job.summaries["取組"].updated == 1
    item.refresh_from_db()
    assert (item.title, item.title_en, item.title_easy) == (
        "スマホ相談会",
        "Smartphone help sessions",
        "スマホの そうだん",
    )
    audit = AuditEntry.objects.get(item=item)
    assert (audit.before, audit.after) == (
        {"title_en": "Smartphone help"},
        {"title_en": "Smartphone help sessions"},
    )
    change = job.changes[0]
    assert change.fields == [(EN, "Smartphone help", "Smartphone help sessions")]


def test_a_workbook_without_the_columns_leaves_the_translations_as_they_are(item, admin_user):
    job = run_import(items_book(ITEM_HEADER, ["p1", 1, "スマホ相談会の拡充", 1]), user=admin_user)

    assert job.errors == []
    item.refresh_from_db()
    assert item.title == "スマホ相談会の拡充"
    assert (item.title_en, item.title_easy) == ("Smartphone help", "スマホの そうだん")


def test_a_blank_cell_in_a_translation_column_clears_that_translation(item, admin_user):
    job = run_import(
        items_book([*ITEM_HEADER, EN], ["p1", 1, "スマホ相談会", 1, None]), user=admin_user
    )

    assert job.errors == []
    item.refresh_from_db()
    assert (item.title_en, item.title_easy) == ("", "スマホの そうだん")


def test_a_header_typed_with_half_width_brackets_and_spaces_is_the_column(item, admin_user):
    data = items_book(
        [*ITEM_HEADER, "取組名 (英語)", "取組名(やさしい日本語)"],
        ["p1", 1, "スマホ相談会", 1, "Help", "そうだん"],
    )

    job = run_import(data, user=admin_user)

    assert job.errors == []
    item.refresh_from_db()
    assert (item.title_en, item.title_easy) == ("Help", "そうだん")


def test_a_translation_too_long_is_a_japanese_error_naming_its_column(item, admin_user):
    data = items_book([*ITEM_HEADER, EN], ["p1", 1, "スマホ相談会", 1, "x" * 401])

    job = run_import(data, user=admin_user)

    assert [(e.sheet, e.row, e.column) for e in job.errors] == [("取組", 2, EN)]
    assert "400 文字以下" in messages_of(job)[0]
    item.refresh_from_db()
    assert item.title_en == "Smartphone help"


def test_japanese_in_an_english_column_imports_with_a_warning(item, admin_user):
    data = items_book([*ITEM_HEADER, EN], ["p1", 1, "スマホ相談会", 1, "スマホ相談会"])

    job = run_import(data, user=admin_user)

    assert job.errors == []
    (warning,) = job.warnings
    assert (warning.sheet, warning.row, warning.column) == ("取組", 2, EN)
    assert warning.kind_label == "英語の列に日本語の文字がある行"
    assert "英語の列には英語だけを入力してください" in warning.message
    assert job.warning_counts == [("英語の列に日本語の文字がある行", 1)]


def test_a_new_plan_comes_with_its_translations_in_one_file(db, admin_user):
    data = xlsx_bytes(
        {
            "計画": [
                [
                    "計画ID",
                    "計画名",
                    "版",
                    "策定年月",
                    "計画期間開始",
                    "計画期間終了",
                    "計画名（英語）",
                ],
                ["new-1", "新計画", "1.0", "2025/4/1", "2025/4/1", "令和9年度末", "New plan"],
            ],
            "重点施策区分": [
                ["計画ID", "番号", "区分名", "区分名（やさしい日本語）", "主な取組（英語）"],
                ["new-1", 1, "防災DXの推進", "さいがいに そなえる", "Drills"],
            ],
            "取組": [[*ITEM_HEADER, EN], ["new-1", 1, "GIS訓練", 1, "GIS drills"]],
            "指標": [
                ["計画ID", "取組番号", "指標名", "単位", "指標名（英語）", "単位（英語）"],
                ["new-1", 1, "訓練回数", "回", "Number of drills", "times"],
            ],
        }
    )

    job = run_import(data, user=admin_user)

    assert job.errors == []
    assert Plan.objects.get(slug="new-1").name_en == "New plan"
    area = PriorityArea.objects.get(plan__slug="new-1")
    assert (area.name_easy, area.main_initiatives_en, area.name_en) == (
        "さいがいに そなえる",
        "Drills",
        "",
    )
    assert ActionItem.objects.get(plan__slug="new-1").title_en == "GIS drills"
    kpi = Kpi.objects.get(item__plan__slug="new-1")
    assert (kpi.name_en, kpi.unit_en) == ("Number of drills", "times")
    created = next(c for c in job.changes if c.sheet == "取組")
    assert (EN, None, "GIS drills") in created.fields


def test_a_csv_of_items_with_translation_columns_is_read_as_the_item_sheet(item, admin_user):
    text = (
        f"計画ID,取組番号,取組名,重点施策区分,{EN},{EASY}\r\np1,1,スマホ相談会,1,Help,そうだん\r\n"
    )

    job = run_import(text.encode("cp932"), user=admin_user, filename="items.csv")

    assert job.errors == [] and job.summaries["取組"].updated == 1
    item.refresh_from_db()
    assert (item.title_en, item.title_easy) == ("Help", "そうだん")
