"""The report as an Excel workbook (openpyxl): one sheet per section of the report.

Each sheet has a title row, one header row and one value per cell below it (no
merged cells); numbers are numbers and rates are fractions shown as
percentages. Text goes through safe_cell, so nothing typed into the narrative
runs as a formula. Each sheet prints on A4 portrait, one page wide.
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from reports.exporting import safe_cell
from reports.yearly_report.content import DRAFT_MARK

PERCENT = "0.0%"


def render_xlsx(content):
    workbook = Workbook()
    workbook.remove(workbook.active)
    cover = [
        ("計画", content.plan_title),
        ("表題", content.subtitle + ("（案）" if content.is_draft else "")),
        ("年度", content.year_label),
        ("西暦の年度", content.fiscal_year),
        ("発行者", content.issuer),
        ("発行日", content.issued_on),
        ("状態", f"{DRAFT_MARK}（未公表）" if content.is_draft else "公表済み"),
    ]
    _sheet(workbook, content, "表紙", "報告書の表紙", ("項目", "内容"), cover, (16, 60))
    _text_sheet(workbook, content, "総評", "総評", content.overview_paragraphs)
    _text_sheet(
        workbook, content, "3-1 検討の状況", "3-1. 検討の状況", content.deliberation_paragraphs
    )
    _achievement(workbook, content)
    _notes(workbook, content)
    _highlights(workbook, content)
    _items(workbook, content)
    _findings(workbook, content)
    _events(workbook, content)
    _year_on_year(workbook, content)
    _external(workbook, content)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet(workbook, content, name, title, head, rows, widths, formats=None):
    """A sheet: the title (with 案 for a draft) in A1, the header in row 2, the rows below."""
    sheet = workbook.create_sheet(name)
    mark = f"【{DRAFT_MARK}】" if content.is_draft else ""
    sheet.append([safe_cell(f"{mark}{content.plan_title} {content.year_label} {title}")])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append(list(head))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    formats = formats or {}
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
        for column, number_format in formats.items():
            sheet.cell(row=sheet.max_row, column=column).number_format = number_format
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, str):
                cell.alignment = wrap
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.print_area = f"A1:{get_column_letter(len(head))}{max(sheet.max_row, 2)}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    if content.is_draft:
        sheet.oddHeader.right.text = DRAFT_MARK
        sheet.oddHeader.right.size = 16
    sheet.oddFooter.center.text = f"{content.issued_label}　&P / &N"
    return sheet


def _text_sheet(workbook, content, name, title, paragraphs):
    rows = [(number, text) for number, text in enumerate(paragraphs, start=1)]
    _sheet(workbook, content, name, title, ("段落", "本文"), rows, (8, 90))


def _rate_cells(row, content):
    extra = [row.not_evaluated] if content.show_not_evaluated else []
    return [row.name, *row.numbers, *extra, row.rate_fraction, "暫定" if row.provisional else ""]


def _achievement(workbook, content):
    head = ["重点施策区分", "取組数", "達成", "一部達成", "未達成", "判定不可"]
    if content.show_not_evaluated:
        head.append("未評価")
    head += ["達成度", "暫定"]
    rows = [_rate_cells(row, content) for row in content.rows]
    rows.append(_rate_cells(content.total, content))
    mean = [None] * (len(head) - 3)
    rows.append(
        [
            "区分別達成度の平均",
            *mean,
            _fraction(content.mean_rate_percent),
            "暫定" if content.total.provisional else "",
        ]
    )
    _sheet(
        workbook,
        content,
        "3-2 達成状況",
        "表3-2 重点施策区分ごとの達成状況",
        head,
        rows,
        (26, *[9] * (len(head) - 3), 10, 8),
        {len(head) - 1: PERCENT},
    )


def _notes(workbook, content):
    lines = [
        ("計算式", content.pooled_formula),
        ("計算式", content.mean_formula),
        *(("計算の規則", note) for note in content.rule_notes),
        ("取組数", content.item_count_note),
        ("公表値", content.published_explanation),
        ("評価の状況", content.coverage),
        *(("☞", note) for note in content.notes),
    ]
    rows = [(kind, text) for kind, text in lines if text]
    _sheet(workbook, content, "3-2 注記", "表3-2の計算式と注記", ("種類", "内容"), rows, (12, 90))


def _highlights(workbook, content):
    rows = []
    for box in content.highlights:
        for kpi in box.kpis or [None]:
            rows.append(
                (
                    box.area,
                    box.code,
                    box.title,
                    kpi.name if kpi else "",
                    _number(kpi.baseline) if kpi else None,
                    _number(kpi.actual) if kpi else None,
                    kpi.unit if kpi else "",
                    box.status,
                )
            )
    head = ("重点施策区分", "取組番号", "取組名", "指標名", "基準値", "実績", "単位", "達成状況")
    _sheet(
        workbook,
        content,
        "主な達成・未達成項目",
        "主な達成・未達成項目",
        head,
        rows,
        (22, 9, 30, 24, 9, 9, 9, 10),
    )


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _items(workbook, content):
    rows = [
        (
            area.number,
            area.name,
            item.code,
            item.title,
            "再掲" if item.relisted else "",
            item.section,
            item.status,
            item.comment,
        )
        for area in content.areas
        for item in area.items
    ]
    head = ("区分番号", "重点施策区分", "番号", "取組名", "再掲", "担当課", "達成状況", "備考")
    _sheet(
        workbook,
        content,
        "取組一覧",
        "重点施策区分ごとの取組一覧",
        head,
        rows,
        (8, 22, 8, 36, 6, 20, 10, 40),
    )


def _findings(workbook, content):
    rows = [(area.number, area.name, area.rate, area.finding) for area in content.areas]
    head = ("区分番号", "重点施策区分", "達成度", "所見")
    _sheet(workbook, content, "所見", "重点施策区分ごとの所見", head, rows, (8, 24, 10, 80))


def _events(workbook, content):
    rows = [(e.year, e.month, e.occurred_on, e.summary, e.areas) for e in content.events]
    head = ("年", "月", "年月（西暦）", "取組概要", "対応する重点施策区分")
    sheet = _sheet(
        workbook,
        content,
        "3-3 主な取組一覧",
        content.events_heading,
        head,
        rows,
        (10, 6, 12, 60, 30),
    )
    for (cell,) in sheet.iter_rows(min_row=3, min_col=3, max_col=3):
        cell.number_format = "yyyy/mm"


def _year_on_year(workbook, content):
    head = ("重点施策区分", "前年度の達成度", "今年度の達成度")
    rows = [
        (row.area, _fraction(row.previous_rate_percent), _fraction(row.rate_percent))
        for row in content.comparisons
    ]
    title = (
        f"前年度との比較（{content.previous_year_label} → {content.year_label}）"
        if content.previous_year
        else "前年度との比較（前年度の評価はありません）"
    )
    _sheet(
        workbook,
        content,
        "前年度との比較",
        title,
        head,
        rows,
        (26, 14, 14),
        {2: PERCENT, 3: PERCENT},
    )
    changes = [(c.area, c.code, c.title, c.before, c.after) for c in content.changes]
    _sheet(
        workbook,
        content,
        "達成状況の変化",
        "前年度から達成状況が変わった取組",
        ("重点施策区分", "番号", "取組名", "前年度", "今年度"),
        changes,
        (22, 8, 40, 10, 10),
    )


def _fraction(percent):
    """The engine's rounded 87.5 as 0.875 (shown 87.5%); no rate as an empty cell."""
    return None if percent is None else float(percent / 100)


def _external(workbook, content):
    meeting = content.narrative.external_meeting_on
    rows = [("会議", content.narrative.external_body or ""), ("開催日", meeting)]
    rows += [("意見", text) for text in content.external_paragraphs]
    sheet = _sheet(workbook, content, "外部評価", "外部評価", ("項目", "内容"), rows, (12, 90))
    sheet["B4"].number_format = "yyyy/mm/dd"
