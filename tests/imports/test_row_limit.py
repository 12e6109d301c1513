"""A sheet over IMPORT_MAX_ROWS_PER_SHEET is refused before openpyxl parses it."""

import pytest
from django.test import override_settings

from actions.imports.workbook import reader
from actions.imports.workbook.reader import ImportRefused, read_upload
from tests.imports.conftest import xlsx_bytes

ROW = ["nakai-dx-1.0", "1", "2025", "達成", ""]


def _not_parsed(*args, **kwargs):
    raise AssertionError("openpyxl parsed a sheet that was over the limit")


def test_a_long_sheet_is_refused_before_it_is_parsed(monkeypatch):
    data = xlsx_bytes({"説明": [["読み飛ばすシート"]], "達成状況": [ROW] * 60})
    monkeypatch.setattr(reader, "load_workbook", _not_parsed)
    with override_settings(IMPORT_MAX_ROWS_PER_SHEET=20):  # 20 + 30 title rows allowed
        with pytest.raises(ImportRefused, match="シート「達成状況」の行数が多すぎます"):
            read_upload(data, "long.xlsx")


def test_rows_without_cells_do_not_count():
    # Formatting rows far below the data (Excel writes them as empty row elements).
    book = xlsx_bytes({"達成状況": [ROW] * 10})
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(book))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                empty = b"".join(
                    b'<row r="%d" customHeight="1" ht="20"/>' % n for n in range(11, 200)
                )
                content = content.replace(b"</sheetData>", empty + b"</sheetData>")
            target.writestr(info, content)
    with override_settings(IMPORT_MAX_ROWS_PER_SHEET=20):
        (sheet,) = read_upload(buffer.getvalue(), "formatted.xlsx")
    assert len(sheet.rows) == 10


def test_a_sheet_at_the_limit_is_read():
    with override_settings(IMPORT_MAX_ROWS_PER_SHEET=20):
        (sheet,) = read_upload(xlsx_bytes({"達成状況": [ROW] * 50}), "full.xlsx")
    assert len(sheet.rows) == 50


@pytest.mark.parametrize("end_tag", [b"</row >", b"</row\n>", b"</row \t\r\n >"])
def test_white_space_in_a_rows_end_tag_does_not_fool_the_count(monkeypatch, end_tag):
    """XML allows </row >: the quick count reads rows as the parser will."""
    import io
    import zipfile

    book = xlsx_bytes({"達成状況": [ROW] * 60})
    source = zipfile.ZipFile(io.BytesIO(book))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                assert content.count(b"</row>") == 60
                content = content.replace(b"</row>", end_tag)
            target.writestr(info, content)
    monkeypatch.setattr(reader, "load_workbook", _not_parsed)
    with override_settings(IMPORT_MAX_ROWS_PER_SHEET=20):
        with pytest.raises(ImportRefused, match="シート「達成状況」の行数が多すぎます"):
            read_upload(buffer.getvalue(), "spaced.xlsx")
