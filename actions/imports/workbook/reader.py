"""Open an uploaded workbook or CSV safely and hand back its rows.

The file is judged by its content, never by its name: an .xlsx is a zip with
[Content_Types].xml; an OLE2 file (D0 CF 11 E0) is an old .xls or a
password-protected workbook; anything else must decode as CSV. Sizes are
checked before anything is decompressed, and XML entity declarations are
refused before openpyxl parses a single part.
"""

import csv
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from xml.etree import ElementTree

import defusedxml
from defusedxml import DefusedXmlException
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from actions.imports.workbook.values import Percent
from actions.services.bulk import collector_paused

with warnings.catch_warnings():
    # defuse_stdlib imports defusedxml.cElementTree, which warns that it is deprecated.
    warnings.simplefilter("ignore", DeprecationWarning)
    defusedxml.defuse_stdlib()

from openpyxl import DEFUSEDXML as OPENPYXL_USES_DEFUSEDXML  # noqa: E402
from openpyxl.reader.excel import ExcelReader  # noqa: E402  (after defuse_stdlib)
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE  # noqa: E402
from openpyxl.worksheet._read_only import ReadOnlyWorksheet  # noqa: E402

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
BINARY_SIGNATURES = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG画像",
    b"\xff\xd8\xff": "JPEG画像",
    b"GIF8": "GIF画像",
}
MAX_COMPRESSION_RATIO = 200
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XLSX_HELP = (
    "Excelで「名前を付けて保存」から「Excel ブック（*.xlsx）」を選んで保存し直してください。"
)


class ImportRefused(Exception):
    """The whole file is refused; ``str()`` is the message for the user."""


@dataclass
class SheetData:
    """The rows of one sheet: (Excel row number, cell values) with trailing blanks dropped."""

    name: str
    rows: list = field(default_factory=list)
    is_csv: bool = False
    hidden: bool = False
    # Excel coordinates ("D5") of formulas saved without a calculated value.
    formulas_without_value: set = field(default_factory=set)


def limit_label(size):
    return filesizeformat(size)


def check_size(size):
    if size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ImportRefused(
            f"ファイルが大きすぎます（{limit_label(size)}）。取り込めるのは "
            f"{limit_label(settings.IMPORT_MAX_UPLOAD_BYTES)} までです。シートを分けて取り込んでください。"
        )


@collector_paused()
def read_upload(data, filename=""):
    """Return the SheetData list of an uploaded file's bytes, or raise ImportRefused."""
    check_size(len(data))
    if not data.strip():
        raise ImportRefused("ファイルが空です。Excel（.xlsx）または CSV ファイルを選んでください。")
    if data.startswith(OLE2_SIGNATURE):
        if ENCRYPTED_PACKAGE in data:
            raise ImportRefused(
                "パスワードで保護されたブックは読み込めません。Excelでパスワードを解除してから保存し直してください。"
            )
        raise ImportRefused(f"古い形式（.xls）のExcelファイルは読み込めません。{XLSX_HELP}")
    if data.startswith(ZIP_SIGNATURES):
        return read_xlsx(data)
    for signature, kind in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise ImportRefused(
                f"このファイルは{kind}で、Excel（.xlsx）または CSV ファイルではありません。"
            )
    if b"\x00" in data[:8192]:
        raise ImportRefused(
            "Excel（.xlsx）または CSV ファイルではありません。ファイルの種類を確認してください。"
        )
    if filename.lower().endswith((".xlsx", ".xlsm")):
        # Text with a workbook's name: a CSV or a note renamed, not saved from Excel.
        raise ImportRefused(
            f"「{filename}」は名前が .xlsx ですが、Excel ブックではありません（中身は文字だけのファイルです）。"
            f"{XLSX_HELP} CSV ファイルなら、名前の末尾を .csv にして選んでください。"
        )
    return [read_csv(data)]


# --- xlsx -------------------------------------------------------------------


def _open_zip(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ImportRefused(
            f"ファイルが壊れているため読み込めません（zip として開けません）。{XLSX_HELP}"
        ) from exc
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportRefused(
            "Excel ブック（.xlsx）ではない zip ファイルです（Word・PowerPoint の文書や圧縮フォルダーなど）。"
        )
    return archive


def check_archive(archive):
    """Refuse zip bombs by the declared sizes, and XML with entity declarations."""
    total = 0
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limit or total > limit:
            raise ImportRefused(
                f"展開後のサイズが大きすぎるため読み込めません（上限 {limit_label(limit)}）。"
                "不要なシートや書式を削除するか、シートを分けて取り込んでください。"
            )
        if ratio > MAX_COMPRESSION_RATIO and info.file_size > 1024 * 1024:
            raise ImportRefused(
                "圧縮率が異常に高い部分があるため、安全のため読み込みません（zip 爆弾の可能性）。"
            )
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels")) and _declares_entities(archive, info):
            raise ImportRefused(ENTITIES_REFUSED)


ENTITIES_REFUSED = (
    "ファイルに XML のエンティティ定義（DOCTYPE）が含まれているため、安全のため読み込みません。"
    "Excelで開いて保存し直したファイルを使ってください。"
)
# A declaration as UTF-8 (and ASCII) writes it, and as UTF-16 in either byte order.
_DECLARATIONS = [
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
]
_OVERLAP = max(len(marker) for marker in _DECLARATIONS)


def _declares_entities(archive, info):
    """Whether a part declares a DOCTYPE or an entity anywhere in it, however deep the padding.

    Read a megabyte at a time (a declaration split between two reads is still
    seen); the sizes were checked above, so the whole part is read.
    """
    try:
        with archive.open(info) as part:
            tail = b""
            while chunk := part.read(1024 * 1024):
                window = tail + chunk
                if any(marker in window for marker in _DECLARATIONS):
                    return True
                tail = window[-_OVERLAP:]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ImportRefused(f"ファイルが壊れているため読み込めません。{XLSX_HELP}") from exc
    return False


def _sheets_with_formulas(archive):
    """Whether any worksheet has a formula (<f>), read in chunks to bound memory."""
    for name in archive.namelist():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        with archive.open(name) as part:
            tail = b""
            while chunk := part.read(1024 * 1024):
                window = tail + chunk
                if b"<f>" in window or b"<f " in window:
                    return True
                tail = window[-4:]
    return False


def read_xlsx(data):
    archive = _open_zip(data)
    check_archive(archive)
    _refuse_long_sheets(archive)
    has_formulas = _sheets_with_formulas(archive)
    try:
        book = load_workbook(data, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken part
        if isinstance(exc, DefusedXmlException):
            raise ImportRefused(ENTITIES_REFUSED) from exc
        raise ImportRefused(f"ファイルが壊れているため読み込めません。{XLSX_HELP}") from exc
    try:
        sheets = [_read_sheet(ws) for ws in book.worksheets]
    except ImportRefused:
        raise
    except Exception as exc:
        raise ImportRefused(f"ファイルが壊れているため読み込めません。{XLSX_HELP}") from exc
    finally:
        book.close()
    if has_formulas:
        _mark_formulas_without_value(data, sheets)
    return sheets


class _UnsizedSheet(ReadOnlyWorksheet):
    """A read-only sheet that does not look for its dimensions when opened.

    openpyxl reads a sheet's stored size when it opens it; a sheet written
    without one (openpyxl's own write-only mode, many exporters) is parsed to
    its end just to find that out. Every sheet here is read whole anyway
    (reset_dimensions: a stored size may be wrong), so that parse is skipped.
    """

    def _get_size(self):
        pass


class _ReadOnlyBook(ExcelReader):
    """openpyxl's read-only reader, opening every worksheet as an _UnsizedSheet."""

    def read_worksheets(self):
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue  # a chart sheet holds no cells
            ws = _UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


def load_workbook(data, *, data_only):
    """openpyxl.load_workbook(read_only=True) without its size-finding parse of each sheet."""
    reader = _ReadOnlyBook(io.BytesIO(data), read_only=True, data_only=data_only)
    reader.read()
    return reader.wb


# XML allows white space before the end tag's ">" (</row >, </x:row\n>): so does the count.
_ROW_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?row[ \t\r\n]*>")


def _refuse_long_sheets(archive):
    """Refuse a sheet with too many rows before openpyxl parses it.

    Counts the closing tags of rows that hold cells in the raw XML, a megabyte
    at a time (milliseconds, where parsing takes seconds); a row element with
    nothing in it (only formatting) closes itself and is not counted. The
    count of rows with values, made while reading, stays the final word.
    """
    for title, part in _sheet_parts(archive):
        rows, tail = 0, b""
        with archive.open(part) as stream:
            while chunk := stream.read(1024 * 1024):
                window = tail + chunk
                rows += len(_ROW_END.findall(window)) - len(_ROW_END.findall(tail))
                if rows > _row_limit():
                    _refuse_rows(title)
                tail = window[-256:]


def _sheet_parts(archive):
    """[(sheet title, zip part name)] from xl/workbook.xml and its relationships."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return []  # openpyxl will say what is wrong with the file
    except DefusedXmlException as exc:  # an encoding check_archive does not look for
        raise ImportRefused(ENTITIES_REFUSED) from exc
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts = []
    for sheet in book.iter(f"{{{MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{REL_NS}}}id"), "")
        name = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if name in archive.NameToInfo:
            parts.append((sheet.get("name", ""), name))
    return parts


def _cell_value(cell):
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool):
        number_format = getattr(cell, "number_format", "") or ""
        if "%" in number_format:
            return Percent(Decimal(str(value)) * 100)
    return value


def _has_percent_format(book):
    """Whether any cell style of the book has a percent number format (as ReadOnlyCell reads it)."""
    for style in book._cell_styles:
        number_format = (
            BUILTIN_FORMATS.get(style.numFmtId, "General")
            if style.numFmtId < BUILTIN_FORMATS_MAX_SIZE
            else book._number_formats[style.numFmtId - BUILTIN_FORMATS_MAX_SIZE]
        )
        if "%" in number_format:
            return True
    return False


def _trim(values):
    end = len(values)
    while end and (values[end - 1] is None or values[end - 1] == ""):
        end -= 1
    return tuple(values[:end])


def _row_limit():
    # Title and blank rows above the header are allowed on top of the limit.
    return settings.IMPORT_MAX_ROWS_PER_SHEET + 30


def _refuse_rows(name):
    raise ImportRefused(
        f"シート「{name}」の行数が多すぎます。1シートに取り込めるのは "
        f"{settings.IMPORT_MAX_ROWS_PER_SHEET:,} 行までです。シートを分けて取り込んでください。"
    )


def _read_sheet(ws):
    ws.reset_dimensions()  # some writers store a wrong dimension; read every row
    sheet = SheetData(name=ws.title, hidden=ws.sheet_state != "visible")
    filled = 0
    # The parser makes a new string per cell: the plan, the year, the status and
    # stock comments that repeat down a long sheet are kept once.
    strings = {}
    if _has_percent_format(ws.parent):
        rows = ([_cell_value(cell) for cell in row] for row in ws.iter_rows())
    else:  # no cell can be a percentage: the values alone, without a cell object each
        rows = ws.iter_rows(values_only=True)
    for number, row in enumerate(rows, start=1):
        values = _trim(
            [strings.setdefault(value, value) if isinstance(value, str) else value for value in row]
        )
        if not values:
            continue
        filled += 1
        if filled > _row_limit():
            _refuse_rows(ws.title)
        sheet.rows.append((number, values))
    return sheet


def _mark_formulas_without_value(data, sheets):
    """openpyxl cannot calculate: find formulas whose cached value is missing."""
    book = load_workbook(data, data_only=False)
    try:
        for ws, sheet in zip(book.worksheets, sheets, strict=True):
            cached = {number: values for number, values in sheet.rows}
            ws.reset_dimensions()
            for number, row in enumerate(ws.iter_rows(), start=1):
                for cell in row:
                    if getattr(cell, "data_type", None) != "f":
                        continue
                    values = cached.get(number, ())
                    index = cell.column - 1
                    if index >= len(values) or values[index] is None:
                        sheet.formulas_without_value.add(cell.coordinate)
    finally:
        book.close()


# --- CSV --------------------------------------------------------------------


def decode_csv(data):
    """UTF-8 (with or without BOM), else Shift_JIS as Japanese Excel saves it (cp932)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(
        "CSV の文字コードを判別できません。UTF-8 または Shift_JIS（Excel の「CSV（コンマ区切り）」）で保存してください。"
    )


def read_csv(data):
    text = decode_csv(data)
    if "\x00" in text:  # past the first 8 KB; no database stores it in text
        raise ImportRefused(
            "CSV に使えない文字（NUL）が含まれています。Excel で開いて CSV として保存し直してください。"
        )
    sheet = SheetData(name="", is_csv=True)
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        filled = 0
        for number, row in enumerate(reader, start=1):
            values = _trim([value if value.strip() else None for value in row])
            if not values:
                continue
            filled += 1
            if filled > _row_limit():
                _refuse_rows("CSV")
            sheet.rows.append((number, values))
    except csv.Error as exc:
        raise ImportRefused(f"CSV の形式が正しくありません（{exc}）。") from exc
    if not sheet.rows:
        raise ImportRefused("ファイルが空です。見出し行とデータ行を入れてください。")
    return sheet


__all__ = ["ImportRefused", "SheetData", "OPENPYXL_USES_DEFUSEDXML", "read_upload", "check_size"]
