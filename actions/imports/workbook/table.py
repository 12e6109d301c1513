"""A sheet's rows as Row objects: find the header row, map columns, skip blank rows.

The header may stand below a title row and its names may carry marks like
「(必須)」 or 全角 spaces; a header that cannot be read is reported through
``error`` (the import's error callback) and the sheet yields no rows.
"""

from dataclasses import dataclass

from django.conf import settings
from openpyxl.utils import get_column_letter

from actions.imports.workbook import sheets as S
from actions.imports.workbook import values as V

NO_FORMULAS = frozenset()


@dataclass(slots=True)  # a sheet may have 100,000 of them
class Row:
    sheet: str
    number: int
    values: dict  # column name -> raw value
    present: frozenset  # the sheet's column names in its header
    formula_cells: set

    def has(self, column):
        return column in self.present


def header_name(value):
    text = V.normalize(value).replace(" ", "")
    for mark in ("(必須)", "*", "※"):
        text = text.replace(mark, "")
    return text


def column_names(sheet_def):
    """{a header as read: the column it names}: 「取組名（英語）」 typed or read with
    half-width brackets or spaces is still that column."""
    return {header_name(name): name for name in sheet_def.names}


def find_header(rows, sheet_def=None):
    """(index in rows, SheetDef) of the header row; a title row may stand above it."""
    candidates = [sheet_def] if sheet_def else list(S.TEMPLATE_SHEETS)
    for index, (_number, values) in enumerate(rows[: S.HEADER_SEARCH_ROWS]):
        names = {header_name(v) for v in values if not V.is_blank(v)}
        scored = []
        for candidate in candidates:
            score = len(names & set(column_names(candidate)))
            missing = len({header_name(n) for n in candidate.required_names} - names)
            scored.append((score, -missing, score / len(candidate.names), candidate))
        scored.sort(key=lambda s: s[:3], reverse=True)
        if scored and scored[0][0] >= 2:
            return index, scored[0][3]
    return None, None


def collect_rows(sheet_data, rows, error):
    """Append each sheet's data rows to ``rows[sheet name]``; report sheets that can't be read."""
    for data in sheet_data:
        sheet_def = None
        if not data.is_csv:
            name = header_name(data.name)
            if name in S.IGNORED_SHEETS or not data.rows:
                continue
            sheet_def = S.READ_SHEETS_BY_NAME.get(name)
            if sheet_def is None:
                if data.hidden:
                    continue
                error(
                    data.name,
                    None,
                    "",
                    "",
                    f"シート「{data.name}」は取り込めません。シート名は "
                    f"{'、'.join(S.READ_SHEETS_BY_NAME)} のいずれかにしてください"
                    f"（{'・'.join(sorted(S.IGNORED_SHEETS))}のシートは読み飛ばします）。",
                )
                continue
        index, found = find_header(data.rows, sheet_def)
        label = sheet_def.name if sheet_def else "CSV"
        if found is None:
            expected = (
                "、".join(sheet_def.names) if sheet_def else "計画ID、取組番号、年度、達成状況 など"
            )
            error(
                label,
                None,
                "",
                "",
                f"見出し行が見つかりません。先頭（タイトル行の下でも可）に {expected} の見出しを入れてください。",
            )
            continue
        _read_table(found, data, index, rows, error)


def _read_table(sheet_def, data, header_index, rows, error):
    header_number, header = data.rows[header_index]
    known = column_names(sheet_def)
    columns = {}
    ok = True
    for position, cell in enumerate(header):
        if V.is_blank(cell):
            continue
        name = known.get(header_name(cell))
        if name is None:
            error(
                sheet_def.name,
                header_number,
                V.display(cell),
                cell,
                f"列「{V.display(cell)}」はシート「{sheet_def.name}」にありません。"
                f"使える列: {'、'.join(sheet_def.names)}",
            )
            continue
        if name in columns:
            error(
                sheet_def.name,
                header_number,
                name,
                cell,
                f"列「{name}」が2つあります。1つにしてください。",
            )
            ok = False
        columns[name] = position
    missing = [name for name in sheet_def.required_names if name not in columns]
    if missing:
        error(
            sheet_def.name,
            header_number,
            "、".join(missing),
            "",
            f"必須の列 {'、'.join(missing)} がありません。見出し行に追加してください。",
        )
        ok = False
    body = data.rows[header_index + 1 :]
    if len(body) > settings.IMPORT_MAX_ROWS_PER_SHEET:
        error(
            sheet_def.name,
            None,
            "",
            "",
            f"行数が多すぎます（{len(body):,} 行）。1シートに取り込めるのは "
            f"{settings.IMPORT_MAX_ROWS_PER_SHEET:,} 行までです。シートを分けて取り込んでください。",
        )
        ok = False
    if not ok:
        return
    present = frozenset(columns)
    for number, cells in body:
        values = {
            name: (cells[position] if position < len(cells) else None)
            for name, position in columns.items()
        }
        if all(V.is_blank(v) for v in values.values()):
            continue
        formula_cells = NO_FORMULAS
        if data.formulas_without_value:
            formula_cells = {
                name
                for name, position in columns.items()
                if f"{get_column_letter(position + 1)}{number}" in data.formulas_without_value
            }
        rows[sheet_def.name].append(Row(sheet_def.name, number, values, present, formula_cells))
