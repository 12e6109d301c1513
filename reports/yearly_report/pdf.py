"""The report as a PDF (ReportLab): A4 portrait, Japanese text that can be copied and searched.

The fonts are the standard Japanese CID fonts every PDF reader has
(HeiseiMin-W3 for the text, HeiseiKakuGo-W5 for headings), so nothing beyond
the pip package is needed. Tables are drawn row by row, which is what lets
pdftotext read them back as rows. Every page carries its number, the report's
date and, for a draft, the mark 「案」.
"""

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from reports.yearly_report.content import DRAFT_MARK

MINCHO = "HeiseiMin-W3"
GOTHIC = "HeiseiKakuGo-W5"
WIDTH = A4[0] - 36 * mm  # the text block between 18 mm margins
CHUNK = 100  # rows of a long table per grid (see _tables)
CELL_PADDING = 14  # a table cell's left and right padding (6 points each), and a margin

_registered = False


def _fonts():
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(MINCHO))
        pdfmetrics.registerFont(UnicodeCIDFont(GOTHIC))
        _registered = True


def _style(name, font=MINCHO, size=10, **options):
    # CJK wrapping: a Japanese line may break between any two characters.
    return ParagraphStyle(
        name, fontName=font, fontSize=size, leading=size * 1.6, wordWrap="CJK", **options
    )


BODY = _style("body", spaceAfter=4)
CELL = _style("cell", size=8.5)
CELL_NUMBER = _style("cell-number", size=8.5, alignment=TA_RIGHT)
CELL_HEAD = _style("cell-head", GOTHIC, 8.5)
# Headings and captions stay on the page of what follows them.
H1 = _style("h1", GOTHIC, 14, spaceBefore=10, spaceAfter=6, keepWithNext=1)
H2 = _style("h2", GOTHIC, 11.5, spaceBefore=8, spaceAfter=4, keepWithNext=1)
CAPTION = _style("caption", GOTHIC, 9.5, spaceBefore=4, spaceAfter=3, keepWithNext=1)
TITLE = _style("title", GOTHIC, 20, alignment=TA_CENTER, spaceAfter=12)
CENTER = _style("center", size=12, alignment=TA_CENTER, spaceAfter=6)


def _p(text, style=BODY):
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def render_pdf(content):
    _fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=f"{content.plan_title} {content.subtitle}" + ("（案）" if content.is_draft else ""),
        author=content.issuer,
        lang="ja",
    )
    story = _cover(content)
    if content.overview_paragraphs:
        story += [_p("総評", H1), *[_p(text) for text in content.overview_paragraphs]]
    story.append(_p("3-1. 検討の状況", H1))
    story += [_p(text) for text in content.deliberation_paragraphs or ["（記載はありません）"]]
    story += _achievement(content)
    story += _highlights(content)
    story += _items(content)
    story += _events(content)
    story += _year_on_year(content)
    story.append(_p("外部評価", H1))
    if content.external_paragraphs:
        story.append(_p(content.external_heading, CAPTION))
        story += [_p(text) for text in content.external_paragraphs]
    else:
        story.append(_p("（記載はありません）"))

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont(MINCHO, 8.5)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"{content.issued_label}　－ {doc.page} －")
        canvas.drawString(18 * mm, A4[1] - 12 * mm, f"{content.plan_title} {content.year_label}")
        if content.is_draft:
            canvas.setFont(GOTHIC, 18)
            canvas.setFillColor(colors.HexColor("#b00020"))
            canvas.drawRightString(A4[0] - 18 * mm, A4[1] - 13 * mm, DRAFT_MARK)
        canvas.restoreState()

    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def _cover(content):
    story = [Spacer(1, 60 * mm), _p(content.plan_title, CENTER)]
    story.append(_p(content.subtitle + ("（案）" if content.is_draft else ""), TITLE))
    story += [_p(content.issuer, CENTER), _p(content.issued_label, CENTER)]
    if content.is_draft:
        story.append(_p(f"【{DRAFT_MARK}】この年度の評価はまだ公表されていません。", CENTER))
    return [*story, PageBreak()]


def _tables(head, rows, widths, numeric_from=None):
    """A long table as grids of CHUNK rows, each with the header.

    ReportLab splits a table at each page by building a new one from the rows
    left, so one 2,000-row table costs pages × rows; grids of 100 rows cost
    little more than their rows. The header repeats on each page as before,
    and once more where a new grid starts.
    """
    rows = list(rows)
    return [
        _table(head, rows[start : start + CHUNK], widths, numeric_from)
        for start in range(0, max(len(rows), 1), CHUNK)
    ]


def _table(head, rows, widths, numeric_from=None, footer_rows=0):
    """A grid whose long cells wrap; the header repeats on each page.

    A cell that fits its column on one line is drawn as plain text, the rest as
    wrapping paragraphs: a paragraph costs far more to lay out, and most cells
    (numbers, codes, statuses) never need one.
    """
    total = sum(widths)
    columns = [WIDTH * w / total for w in widths]
    data = [[_p(text, CELL_HEAD) for text in head]]
    for row in rows:
        data.append(
            [
                _cell(value, columns[index], _cell_style(index, numeric_from))
                for index, value in enumerate(row)
            ]
        )
    table = Table(data, colWidths=columns, repeatRows=1)
    commands = [
        ("FONT", (0, 1), (-1, -1), MINCHO, CELL.fontSize, CELL.leading),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ebf0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if numeric_from is not None:
        commands.append(("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"))
    if footer_rows:
        commands.append(("BACKGROUND", (0, -footer_rows), (-1, -1), colors.HexColor("#f2f4f7")))
    table.setStyle(TableStyle(commands))
    return table


def _cell(value, width, style):
    text = "" if value is None else str(value)
    if "\n" not in text and stringWidth(text, MINCHO, CELL.fontSize) <= width - CELL_PADDING:
        return text
    return _p(text, style)


def _cell_style(index, numeric_from):
    return CELL_NUMBER if numeric_from is not None and index >= numeric_from else CELL


def _achievement(content):
    story = [_p("3-2. 取組の達成状況", H1)]
    if not content.has_statuses:
        story.append(
            _p(
                f"{content.year_label}の達成状況はまだ記録されていません。取組数だけを示し、達成度は「—」です。"
            )
        )
    if content.coverage:
        story.append(_p(f"【暫定】{content.coverage}。未評価の取組は分母に含めていません。"))
    head = ["重点施策区分", "取組数", "達成", "一部達成", "未達成", "判定不可"]
    if content.show_not_evaluated:
        head.append("未評価")
    head.append("達成度")

    def cells(row):
        extra = [row.not_evaluated] if content.show_not_evaluated else []
        rate = row.rate_display + ("（暫定）" if row.provisional else "")
        return [row.name, *row.numbers, *extra, rate]

    rows = [cells(row) for row in content.rows] + [cells(content.total)]
    rows.append(["区分別達成度の平均", *[""] * (len(head) - 2), content.mean_rate_display])
    widths = [30, *[9] * (len(head) - 2), 13]
    story.append(_p(f"表3-2 重点施策区分ごとの達成状況（{content.year_label}）", CAPTION))
    story.append(_table(head, rows, widths, numeric_from=1, footer_rows=2))
    story.append(Spacer(1, 3 * mm))
    for line in [
        content.pooled_formula,
        content.mean_formula,
        *content.rule_notes,
        content.item_count_note,
        content.published_explanation,
    ]:
        if line:
            story.append(_p(f"・{line}", CELL))
    for note in content.notes:
        story.append(_p(f"☞ {note}"))
    return story


def _highlights(content):
    story = [_p("3-2. 取組の進捗状況（主な達成・未達成項目）", H1)]
    if not content.highlights_chosen:
        story.append(_p("指標（KPI）のある取組を載せています。", CELL))
    rows = [
        (
            f"【{box.area}】",
            box.title,
            "\n".join(
                (f"{kpi.name}：" if kpi.name != box.title else "") + kpi.text for kpi in box.kpis
            ),
            box.status,
        )
        for box in content.highlights
    ]
    story += _tables(("区分", "取組", "指標（基準値→実績）", "達成状況"), rows, (26, 36, 28, 12))
    return story


def _items(content):
    story = [_p("重点施策区分ごとの取組一覧", H1)]
    for area in content.areas:
        heading = [_p(f"{area.number}. {area.name}（達成度 {area.rate}）", H2)]
        if area.finding:
            heading += [_p("所見", CAPTION), _p(area.finding)]
        rows = [
            (
                item.code,
                item.title + ("（再掲）" if item.relisted else ""),
                item.section,
                item.status,
                item.comment,
            )
            for item in area.items
        ]
        head = ("番号", "取組名", "担当課", "達成状況", "備考")
        story += [*heading, *_tables(head, rows, (8, 36, 18, 11, 27))]
    return story


def _events(content):
    story = [_p(f"3-3. {content.events_heading}", H1)]
    rows = [(e.year, e.month, e.summary, e.areas) for e in content.events]
    if not rows:
        return [*story, _p("この期間の主な取組は登録されていません。")]
    story += _tables(("年", "月", "取組概要", "対応する重点施策区分"), rows, (12, 7, 55, 26))
    return story


def _year_on_year(content):
    story = [_p("前年度との比較", H1)]
    if not content.previous_year:
        return [*story, _p("前年度の評価がないため、比較はありません。")]
    rows = [(row.area, row.previous_rate, row.rate) for row in content.comparisons]
    story.append(
        _table(
            ("重点施策区分", content.previous_year_label, content.year_label), rows, (40, 20, 20)
        )
    )
    story.append(_p(f"達成状況が変わった取組（{len(content.changes)}件）", H2))
    if not content.changes:
        return [*story, _p("前年度から達成状況が変わった取組はありません。")]
    rows = [(c.area, c.code, c.title, c.before, c.after) for c in content.changes]
    head = ("重点施策区分", "番号", "取組名", content.previous_year_label, content.year_label)
    story += _tables(head, rows, (24, 8, 38, 15, 15))
    return story
