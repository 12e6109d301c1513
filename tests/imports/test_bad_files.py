"""Files and rows the import refuses, each with the message the user reads."""

import datetime
import io
import zipfile

import pytest
from django.test import override_settings

from actions.imports.workbook.reader import ImportRefused, read_upload
from actions.models import AuditEntry, YearlyStatus
from tests.factories import make_items, make_plan
from tests.imports.conftest import STATUS_HEADER, messages_of, run_import, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db):
    plan = make_plan(
        slug="p1",
        areas=("町民サービスの向上", "行政事務の効率化"),
        start=datetime.date(2023, 8, 1),
        end=datetime.date(2026, 3, 31),
    )
    make_items(plan, plan.areas.get(number=1), 3)
    return plan


def refused(data, filename="upload.xlsx"):
    with pytest.raises(ImportRefused) as caught:
        read_upload(data, filename)
    return str(caught.value)


def zip_with(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def replace_member(data, name, content):
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {info.filename: source.read(info.filename) for info in source.infolist()}
    members[name] = content
    return zip_with(members)


def status_book(*rows, header=STATUS_HEADER):
    return xlsx_bytes({"達成状況": [header, *rows]})


# --- whole files -------------------------------------------------------------------


def test_it_refuses_an_empty_file():
    assert "ファイルが空です" in refused(b"")


def test_it_refuses_a_renamed_pdf():
    assert "PDF" in refused(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")


def test_it_refuses_an_old_xls_and_says_to_save_as_xlsx():
    message = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    assert "古い形式（.xls）" in message and "xlsx" in message


def test_it_refuses_a_password_protected_workbook():
    data = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le")
    )
    assert "パスワード" in refused(data)


def test_it_refuses_a_corrupt_zip():
    assert "壊れている" in refused(b"PK\x03\x04" + b"\x13\x37" * 200)


def test_it_refuses_a_zip_that_is_not_a_workbook():
    data = zip_with({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"})
    assert "Excel ブック（.xlsx）ではない zip" in refused(data)


def test_it_refuses_a_member_whose_declared_size_exceeds_the_limit(plan):
    data = status_book(["p1", 1, 2025, "達成", ""])
    with override_settings(IMPORT_MAX_UNCOMPRESSED_BYTES=2_000):
        assert "展開後のサイズが大きすぎる" in refused(data)


def test_it_refuses_a_highly_compressed_member():
    data = replace_member(
        status_book(), "xl/worksheets/sheet1.xml", b"<x>" + b" " * 5_000_000 + b"</x>"
    )
    assert "zip 爆弾" in refused(data)


def test_it_refuses_xml_entity_tricks():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    data = replace_member(status_book(), "xl/worksheets/sheet1.xml", laughs)
    assert "エンティティ" in refused(data)


ENTITY_REFUSAL = "XML のエンティティ定義（DOCTYPE）が含まれているため"
PADDING = b"<!-- " + b"x" * (70 * 1024) + b" -->"
DECLARATION = b'<!DOCTYPE x [<!ENTITY lol "lol">]>'


def _hidden_behind_padding(part_text):
    """The part with 70 KB of comment between its XML declaration and a DOCTYPE."""
    if part_text.startswith(b"<?xml"):
        part_text = part_text.partition(b"?>")[2]
    return b'<?xml version="1.0" encoding="UTF-8"?>' + PADDING + DECLARATION + part_text


@pytest.mark.parametrize(
    "part",
    [
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
        "xl/worksheets/sheet1.xml",
        "xl/styles.xml",
        "docProps/core.xml",
    ],
)
def test_an_entity_declaration_behind_padding_gets_the_same_refusal_anywhere(part):
    book = status_book(["nakai-dx-1.0", "1", "2025", "達成", ""])
    source = zipfile.ZipFile(io.BytesIO(book))
    assert part in source.namelist()
    data = replace_member(book, part, _hidden_behind_padding(source.read(part)))
    assert ENTITY_REFUSAL in refused(data)


def test_an_entity_declaration_in_utf16_gets_the_same_refusal():
    book = status_book(["nakai-dx-1.0", "1", "2025", "達成", ""])
    text = zipfile.ZipFile(io.BytesIO(book)).read("xl/workbook.xml").decode()
    text = '<?xml version="1.0" encoding="UTF-16"?>' + DECLARATION.decode() + text
    data = replace_member(book, "xl/workbook.xml", text.encode("utf-16"))
    assert ENTITY_REFUSAL in refused(data)


def test_the_command_refuses_a_padded_declaration_without_a_traceback(tmp_path, db):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    book = status_book(["nakai-dx-1.0", "1", "2025", "達成", ""])
    workbook_xml = zipfile.ZipFile(io.BytesIO(book)).read("xl/workbook.xml")
    path = tmp_path / "padded.xlsx"
    path.write_bytes(replace_member(book, "xl/workbook.xml", _hidden_behind_padding(workbook_xml)))
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="何も取り込みませんでした"):
        call_command("import_workbook", str(path), "--dry-run", stdout=io.StringIO(), stderr=stderr)
    assert ENTITY_REFUSAL in stderr.getvalue()
    assert "Traceback" not in stderr.getvalue()


def test_openpyxl_itself_parses_with_defusedxml():
    from openpyxl.xml import functions

    assert functions.iterparse.__module__.startswith("defusedxml")
    assert functions.fromstring.__module__.startswith("defusedxml")


def test_it_refuses_a_file_over_the_size_limit():
    with override_settings(IMPORT_MAX_UPLOAD_BYTES=100):
        assert "ファイルが大きすぎます" in refused(b"a,b\n" * 100)


def test_it_refuses_a_sheet_over_the_row_limit(plan):
    rows = [["p1", 1, 2025, "達成", ""] for _ in range(6)]
    with override_settings(IMPORT_MAX_ROWS_PER_SHEET=5):
        job = run_import(status_book(*rows))
    assert any("行数が多すぎます" in m and "5 行まで" in m for m in messages_of(job))


def test_it_refuses_undecodable_csv():
    assert "文字コード" in refused(b"\x82\xa0\xff\xfe\x80\x81,\xfd\n", "upload.csv")


@pytest.mark.parametrize("text", ["計画ID,取組番号\n", "メモ\n", "計画ID\t取組番号\n"])
def test_it_tells_a_text_file_renamed_xlsx_that_it_is_not_a_workbook(text):
    message = refused(text.encode("cp932"), "達成状況.xlsx")
    assert "「達成状況.xlsx」は名前が .xlsx ですが、Excel ブックではありません" in message
    assert ".csv" in message


# --- sheets and columns --------------------------------------------------------------


def test_it_names_an_unknown_sheet(plan):
    job = run_import(xlsx_bytes({"集計": [["計画ID", "取組番号"], ["p1", 1]]}))
    assert job.errors[0].sheet == "集計"
    assert "シート「集計」は取り込めません" in job.errors[0].message
    assert "達成状況" in job.errors[0].message


def test_it_names_an_unknown_column(plan):
    job = run_import(
        status_book(["p1", 1, 2025, "達成", "", "x"], header=[*STATUS_HEADER, "担当者"])
    )
    [error] = job.errors
    assert (error.sheet, error.row, error.column) == ("達成状況", 1, "担当者")
    assert "使える列: 計画ID、取組番号、年度、達成状況、備考" in error.message


def test_it_names_a_missing_required_column(plan):
    job = run_import(status_book(["p1", 1, "達成"], header=["計画ID", "取組番号", "達成状況"]))
    [error] = job.errors
    assert error.column == "年度" and "必須の列 年度 がありません" in error.message


def test_it_refuses_duplicate_keys_and_names_the_first_row(plan):
    job = run_import(
        status_book(["p1", 1, 2025, "達成", ""], ["p1", 1, "令和7年度", "一部達成", ""])
    )
    [error] = job.errors
    assert error.row == 3 and "2 行目にもあります" in error.message
    assert YearlyStatus.objects.count() == 0


def test_it_refuses_an_unknown_plan(plan):
    [error] = run_import(status_book(["nakai-dx-9.9", 1, 2025, "達成", ""])).errors
    assert (
        error.column == "計画ID"
        and "計画ID「nakai-dx-9.9」の計画は登録されていません" in error.message
    )


def test_it_refuses_an_unknown_item(plan):
    [error] = run_import(status_book(["p1", 99, 2025, "達成", ""])).errors
    assert error.column == "取組番号" and "取組番号「99」の取組はありません" in error.message


def test_it_refuses_an_unknown_area_and_lists_the_areas(plan):
    book = xlsx_bytes(
        {
            "取組": [
                ["計画ID", "取組番号", "取組名", "重点施策区分"],
                ["p1", 9, "新しい取組", "防災DX"],
            ]
        }
    )
    [error] = run_import(book).errors
    assert error.column == "重点施策区分"
    assert "「防災DX」は計画「p1」にありません" in error.message
    assert "1 町民サービスの向上、2 行政事務の効率化" in error.message


def test_it_refuses_a_year_outside_the_plan_period(plan):
    [error] = run_import(status_book(["p1", 1, "令和10年度", "達成", ""])).errors
    assert (error.column, error.value) == ("年度", "令和10年度")
    assert "評価の対象年度" in error.message and "外です" in error.message


def test_it_refuses_an_invalid_status_and_lists_the_allowed_values(plan):
    [error] = run_import(status_book(["p1", 1, 2025, "ほぼ達成", ""])).errors
    assert (error.sheet, error.row, error.column, error.value) == (
        "達成状況",
        2,
        "達成状況",
        "ほぼ達成",
    )
    assert "達成、一部達成、未達成、判定不可" in error.message and "空欄は未評価" in error.message


def test_a_missing_reason_for_not_achieved_is_a_warning_not_an_error(plan):
    # Past years' sheets often give no reason; the staff form still asks for one.
    job = run_import(status_book(["p1", 1, 2025, "未達成", ""], ["p1", 2, 2024, "判定不可"]))
    assert job.errors == []
    assert [(w.row, w.column) for w in job.warnings] == [(2, "備考"), (3, "備考")]
    assert "取組 1「取組1」" in job.warnings[0].message
    assert "備考（理由）がありません" in job.warnings[0].message
    assert job.warning_counts == [("未達成・判定不可で備考（理由）のない行", 2)]
    assert YearlyStatus.objects.filter(comment="").count() == 2


def test_it_reports_every_bad_row_and_writes_none(plan):
    job = run_import(
        status_book(
            ["p1", 1, 2025, "達成", ""],
            ["p1", 2, "令和99年度", "達成", ""],
            ["p1", 3, 2025, "できた", ""],
        )
    )
    assert [e.row for e in job.errors] == [3, 4]
    assert job.summaries["達成状況"].created == 1
    assert YearlyStatus.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_a_formula_without_a_saved_value_gets_a_clear_message(plan):
    data = status_book(["p1", 1, "=2024+1", "達成", ""])
    [error] = run_import(data).errors
    assert (error.row, error.column) == (2, "年度")
    assert "数式の計算結果がファイルに保存されていません" in error.message


def test_a_bad_value_repeated_down_the_sheet_is_reported_on_every_row(plan):
    # Each repeated cell value is parsed once; a refusal is still reported for each row.
    rows = [[plan.slug, item.code, "令和99年度", "達成", ""] for item in plan.items.all()[:3]]
    job = run_import(xlsx_bytes({"達成状況": [STATUS_HEADER, *rows]}))
    assert [error.row for error in job.errors] == [2, 3, 4]
    assert not YearlyStatus.objects.exists()


def test_a_sheet_saved_without_its_size_is_read_to_its_last_row(plan):
    # openpyxl's write-only mode (like many exporters) stores no <dimension>.
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet("達成状況")
    ws.append(["タイトル行"])
    ws.append(STATUS_HEADER)
    for item in plan.items.all():
        ws.append([plan.slug, item.code, "令和7年度", "達成", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    assert b"<dimension" not in zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml")

    (sheet,) = read_upload(buffer.getvalue(), "w.xlsx")

    assert [number for number, _values in sheet.rows] == [1, 2, 3, 4, 5]
    job = run_import(buffer.getvalue())
    assert job.errors == [] and YearlyStatus.objects.count() == 3


def test_the_dry_run_keeps_the_first_yearly_changes_and_counts_them_all(plan, monkeypatch):
    from actions.imports.workbook.report import dry_run_report
    from actions.imports.workbook.results import ChangeList

    monkeypatch.setattr(ChangeList, "YEARLY_KEPT", 2)
    rows = [[plan.slug, item.code, "令和7年度", "達成", ""] for item in plan.items.all()]
    job = run_import(xlsx_bytes({"達成状況": [STATUS_HEADER, *rows]}), dry_run=True)

    assert len(job.changes) == 3 and [c.row for c in job.changes[:]] == [2, 3]
    report = dry_run_report(job)
    assert report["change_count"] == 3 and len(report["changes"]) == 2
    assert job.summaries["達成状況"].created == 3 and job.total_writes == 3


def test_a_book_without_percent_formats_reads_the_same_values_without_cell_objects(
    plan, monkeypatch
):
    from actions.imports.workbook import reader

    when = datetime.datetime(2025, 4, 1, 9, 30)  # noqa: DTZ001  (Excel cells hold no time zone)
    rows = [
        [plan.slug, 1, "令和7年度", "達成", "備考", 12.5, datetime.date(2025, 4, 1), True],
        [plan.slug, "A-01", 2025, None, "", 0, when, "=x"],
        [None, None, None],
    ]
    data = xlsx_bytes({"達成状況": [STATUS_HEADER, *rows]})
    fast = read_upload(data, "x.xlsx")
    monkeypatch.setattr(reader, "_has_percent_format", lambda book: True)
    assert read_upload(data, "x.xlsx") == fast
    assert fast[0].rows[1][1][:2] == (plan.slug, 1)
