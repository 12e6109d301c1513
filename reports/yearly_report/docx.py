"""The report as a Word document (python-docx): real headings and tables, A4 portrait.

Fonts are named as Japanese Word expects (游明朝 for the text, 游ゴシック for
headings, set for East Asian text too), so the file opens as typed and the town
can go on editing it.
"""

import io
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from reports.yearly_report.content import DRAFT_MARK

MINCHO = "游明朝"
GOTHIC = "游ゴシック"
TEXT_WIDTH_MM = 170  # A4 less 20 mm margins
TWIPS_PER_MM = 1440 / 25.4
TABLE_HEAD = ("重点施策区分", "取組数", "達成", "一部達成", "未達成", "判定不可")


def render_docx(content):
    document = Document()
    _page_setup(document, content)
    _styles(document)
    _cover(document, content)
    if content.overview_paragraphs:
        document.add_heading("総評", level=1)
        _paragraphs(document, content.overview_paragraphs)
    document.add_heading("3-1. 検討の状況", level=1)
    _paragraphs(document, content.deliberation_paragraphs or ["（記載はありません）"])
    _achievement_table(document, content)
    _highlights(document, content)
    _items(document, content)
    _events(document, content)
    _year_on_year(document, content)
    document.add_heading("外部評価", level=1)
    if content.external_paragraphs:
        document.add_paragraph(content.external_heading)
        _paragraphs(document, content.external_paragraphs)
    else:
        document.add_paragraph("（記載はありません）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_font(style, name):
    style.font.name = name
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)  # a theme font would win over the named one
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attribute), name)


def _styles(document):
    _set_font(document.styles["Normal"], MINCHO)
    document.styles["Normal"].font.size = Pt(10.5)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[name]
        _set_font(style, GOTHIC)
        style.font.color.rgb = RGBColor(0, 0, 0)
    _set_font(document.styles["Table Grid"], MINCHO)


def _page_setup(document, content):
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if content.is_draft:
        run = header.add_run(DRAFT_MARK)
        run.bold = True
        run.font.size = Pt(16)
        run.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)
    header.add_run(f"　{content.plan_title} {content.year_label}")
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{content.issued_label}　")
    _page_number(footer)


def _page_number(paragraph):
    """A PAGE field: Word shows the page number."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1")):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _cover(document, content):
    for _ in range(6):
        document.add_paragraph()
    plan = document.add_paragraph(content.plan_title)
    plan.alignment = WD_ALIGN_PARAGRAPH.CENTER
    plan.runs[0].font.size = Pt(16)
    title = document.add_heading(content.subtitle + ("（案）" if content.is_draft else ""), 0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    issuer = document.add_paragraph(f"{content.issuer}\n{content.issued_label}")
    issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if content.is_draft:
        mark = document.add_paragraph()
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = mark.add_run(f"【{DRAFT_MARK}】この年度の評価はまだ公表されていません。")
        run.bold = True
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


def _paragraphs(document, paragraphs):
    for text in paragraphs:
        document.add_paragraph(text)


def _table(document, head, rows, widths=None, numeric_from=None):
    """A grid with a repeated header row; the body rows are written as XML in one go
    (python-docx's cell API costs about a millisecond a cell: seconds for 2,000 items)."""
    widths = widths or [TEXT_WIDTH_MM / len(head)] * len(head)
    table = document.add_table(rows=1, cols=len(head))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _repeat_header(table.rows[0])
    for cell, text, width in zip(table.rows[0].cells, head, widths, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
        cell.width = Mm(width)
    twips = [int(width * TWIPS_PER_MM) for width in widths]
    body = "".join(
        "<w:tr>"
        + "".join(
            _cell_xml(value, twips[index], numeric_from is not None and index >= numeric_from)
            for index, value in enumerate(row)
        )
        + "</w:tr>"
        for row in rows
    )
    if body:
        for row in parse_xml(f"<w:tbl {nsdecls('w')}>{body}</w:tbl>"):
            table._tbl.append(row)
    return table


def _cell_xml(value, width, right):
    lines = ("" if value is None else str(value)).split("\n")
    text = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in lines)
    align = '<w:pPr><w:jc w:val="right"/></w:pPr>' if right else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
        f"<w:p>{align}<w:r>{text}</w:r></w:p></w:tc>"
    )


def _repeat_header(row):
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _caption(document, text):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = True


def _achievement_table(document, content):
    document.add_heading("3-2. 取組の達成状況", level=1)
    if not content.has_statuses:
        document.add_paragraph(
            f"{content.year_label}の達成状況はまだ記録されていません。取組数だけを示し、達成度は「—」です。"
        )
    if content.coverage:
        document.add_paragraph(f"【暫定】{content.coverage}。未評価の取組は分母に含めていません。")
    head = [*TABLE_HEAD, *(["未評価"] if content.show_not_evaluated else []), "達成度"]

    def cells(row):
        rate = row.rate_display + ("（暫定）" if row.provisional else "")
        extra = [row.not_evaluated] if content.show_not_evaluated else []
        return [row.name, *row.numbers, *extra, rate]

    _caption(document, f"表3-2 重点施策区分ごとの達成状況（{content.year_label}）")
    rows = [cells(row) for row in content.rows] + [cells(content.total)]
    blanks = [""] * (len(head) - 2)
    rows.append(["区分別達成度の平均", *blanks, content.mean_rate_display])
    _table(document, head, rows, numeric_from=1)
    for line in [content.pooled_formula, content.mean_formula, *content.rule_notes]:
        if line:
            document.add_paragraph(line, style="List Bullet")
    for line in (content.item_count_note, content.published_explanation):
        if line:
            document.add_paragraph(line, style="List Bullet")
    for note in content.notes:
        document.add_paragraph(f"☞ {note}")


def _highlights(document, content):
    document.add_heading("3-2. 取組の進捗状況（主な達成・未達成項目）", level=1)
    if not content.highlights_chosen:
        document.add_paragraph("指標（KPI）のある取組を載せています。")
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
    _table(document, ("区分", "取組", "指標（基準値→実績）", "達成状況"), rows, (42, 60, 48, 20))


def _items(document, content):
    document.add_heading("重点施策区分ごとの取組一覧", level=1)
    for area in content.areas:
        document.add_heading(f"{area.number}. {area.name}（達成度 {area.rate}）", level=2)
        if area.finding:
            document.add_paragraph("所見").runs[0].bold = True
            _paragraphs(document, [line for line in area.finding.splitlines() if line.strip()])
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
        _table(
            document, ("番号", "取組名", "担当課", "達成状況", "備考"), rows, (14, 58, 32, 20, 46)
        )


def _events(document, content):
    document.add_heading(f"3-3. {content.events_heading}", level=1)
    rows = [(e.year, e.month, e.summary, e.areas) for e in content.events]
    if not rows:
        document.add_paragraph("この期間の主な取組は登録されていません。")
        return
    _table(document, ("年", "月", "取組概要", "対応する重点施策区分"), rows, (20, 12, 90, 48))


def _year_on_year(document, content):
    document.add_heading("前年度との比較", level=1)
    if not content.previous_year:
        document.add_paragraph("前年度の評価がないため、比較はありません。")
        return
    rows = [(row.area, row.previous_rate, row.rate) for row in content.comparisons]
    _table(
        document,
        ("重点施策区分", content.previous_year_label, content.year_label),
        rows,
        numeric_from=1,
    )
    document.add_heading(f"達成状況が変わった取組（{len(content.changes)}件）", level=2)
    if not content.changes:
        document.add_paragraph("前年度から達成状況が変わった取組はありません。")
        return
    rows = [(c.area, c.code, c.title, c.before, c.after) for c in content.changes]
    head = ("重点施策区分", "番号", "取組名", content.previous_year_label, content.year_label)
    _table(document, head, rows, (36, 14, 64, 28, 28))
