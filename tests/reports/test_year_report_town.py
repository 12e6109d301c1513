"""Plan 1.0 令和7年度 with the town's data: every format reproduces the seed's chapter 3.

Table 3-2 row by row (36 numbers), both totals with their formulas, the sixteen boxes
of 主な達成・未達成項目 and the eleven 3-3 events of the year, read back from the
generated files.
"""

import pytest
from docx.oxml.ns import qn

from actions.models import ActionItem
from plans.models import Plan
from reports.services import save_year_report
from reports.yearly_report import render
from reports.yearly_report.content import Narrative, build_report
from tests.html_tables import table as html_table
from tests.reports.report_files import (
    docx_document,
    docx_table,
    docx_text,
    pdf_flat,
    pdf_lines,
    sheet_rows,
)

pytestmark = pytest.mark.django_db

# The seed's table 3-2 (its area spelled as the plan names it, not デジタルデバйд対策).
TABLE_3_2 = [
    ("町民サービスの向上", 8, 6, 1, 1, 0, "87.5"),
    ("行政事務の効率化", 9, 4, 2, 3, 0, "66.7"),
    ("セキュリティ対策の徹底", 3, 3, 0, 0, 0, "100.0"),
    ("デジタルデバイド対策", 2, 1, 0, 0, 1, "50.0"),
    ("地域社会のデジタル化", 8, 0, 1, 6, 1, "12.5"),
]
TOTAL = ("合計", 30, 14, 4, 10, 2, "60.0")
MEAN = "63.3"
POOLED_FORMULA = "合計の達成度 60.0% =（14＋4）÷ 30"
MEAN_FORMULA = "区分別達成度の平均 63.3% =（87.5＋66.7＋100.0＋50.0＋12.5）÷ 5"
# The sixteen boxes under 3-2: 区分, item, KPI 基準値→実績, status.
BOXES = [
    ("町民サービスの向上", "マイナンバーカード交付率", "74%→100%", "達成"),
    ("町民サービスの向上", "コンビニ交付利用率", "9.1%→22.1%", "達成"),
    ("町民サービスの向上", "書かない窓口運用開始", "", "達成"),
    ("町民サービスの向上", "オンライン申請対応手続き数", "9手続き→26手続き", "一部達成"),
    ("行政事務の効率化", "生成AIガイドライン策定 生成AI導入", "", "達成"),
    ("行政事務の効率化", "ガバメントクラウド接続、標準化システムへの移行完了", "", "達成"),
    ("行政事務の効率化", "統合型・公開型GISの導入・運用開始", "", "達成"),
    ("行政事務の効率化", "人材育成方針改定(デジタル人材位置づけ)", "", "達成"),
    ("行政事務の効率化", "テレワーク実施職員数", "47人/年→53人/年", "一部達成"),
    ("行政事務の効率化", "ペーパーレスの推進 NW無線化、モニター整備等", "", "一部達成"),
    ("行政事務の効率化", "RPAの導入方針の決定", "", "未達成"),
    ("行政事務の効率化", "システム調達ガイドラインの策定", "", "未達成"),
    ("セキュリティ対策の徹底", "重大インシデント発生件数", "0件", "達成"),
    ("デジタルデバイド対策", "スマホ相談会実施回数", "2回/年→9回/年", "達成"),
    ("地域社会のデジタル化", "地域通貨の電子化方針の決定", "", "未達成"),
    ("地域社会のデジタル化", "オープンデータの公開数", "33項目→35項目", "未達成"),
]
# 3-3 (計画策定以後) from 令和7年4月 to 令和8年3月: (年, 月, 取組概要, 区分).
EVENTS = [
    (
        "令和7年",
        "5月",
        "書かない窓口システム、新オンライン申請システム（オンライン手続きなかい）の運用開始",
        "町民サービスの向上",
    ),
    ("令和7年", "5月", "第5次LGWAN環境移行", "セキュリティ対策の徹底"),
    (
        "令和7年",
        "6月",
        "デジタルミーティングボード、大型モニタの導入、運用開始",
        "行政事務の効率化",
    ),
    (
        "令和7年",
        "6月",
        "デジタルデバイド対策としてスマホなんでも相談会を開始（町内公共施設で毎月開催）",
        "デジタルデバイド対策",
    ),
    ("令和7年", "8月", "生成AIの全庁での業務利用開始", "行政事務の効率化"),
    (
        "令和7年",
        "8月",
        "デジタル人材育成のためDX推進リーダーの選出（庁内各所属から1名ずつ）",
        "行政事務の効率化",
    ),
    ("令和7年", "12月", "システム標準化・ガバメントクラウド接続完了", "行政事務の効率化"),
    (
        "令和7年",
        "12月",
        "庁内ネットワーク（LGWAN系）無線化による庁内会議等の原則ペーパーレス化開始",
        "行政事務の効率化",
    ),
    (
        "令和7年",
        "12月",
        "第七次中井町総合計画公表（「幸福度」を軸としたアンケート調査結果についてAI因果分析を実施）",
        "行政事務の効率化",
    ),
    ("令和8年", "3月", "統合型・公開型GIS運用開始", "町民サービスの向上/防災DXの推進"),
    (
        "令和8年",
        "3月",
        "施設予約システムのリニューアル（使用料のキャッシュレス決済対応、スマートロック対応）",
        "町民サービスの向上",
    ),
]


@pytest.fixture
def report(town_data):
    """The 本部 chose the sixteen items the plan names (the other fourteen are counts only)."""
    plan = Plan.objects.get(slug="nakai-dx-1.0")
    named = ActionItem.objects.filter(plan=plan, name_published=True)
    assert named.count() == 16
    save_year_report(plan, 2025, Narrative(highlighted_item_ids=[item.pk for item in named]))
    return build_report(plan, 2025)


def test_the_content_holds_table_3_2_from_the_engine(report):
    rows = [(r.name, *r.numbers, str(r.rate_percent)) for r in report.rows]
    assert rows == TABLE_3_2
    assert (report.total.name, *report.total.numbers, str(report.total.rate_percent)) == TOTAL
    assert str(report.mean_rate_percent) == MEAN
    assert not report.is_draft  # the town's 令和7年度 is published


def test_word_reproduces_table_3_2_row_by_row_with_both_totals(report):
    data = render(report, "docx")
    table = docx_table(data, "重点施策区分")
    assert table[0] == [
        "重点施策区分",
        "取組数",
        "達成",
        "一部達成",
        "未達成",
        "判定不可",
        "達成度",
    ]
    expected = [[name, *map(str, numbers), f"{rate}%"] for name, *numbers, rate in TABLE_3_2]
    name, *numbers, rate = TOTAL
    expected.append([name, *map(str, numbers), f"{rate}%"])
    assert table[1:7] == expected
    assert table[7][0] == "区分別達成度の平均" and table[7][-1] == f"{MEAN}%"
    text = docx_text(data)
    assert POOLED_FORMULA in text and MEAN_FORMULA in text
    assert "公表値 63.3% は、各区分の達成度を足して区分数で割った値" in text


def test_excel_reproduces_table_3_2_with_numbers_and_percentages(report):
    data = render(report, "xlsx")
    rows = sheet_rows(data, "3-2 達成状況")
    expected = [
        (name, *numbers, float(rate) / 100, None) for name, *numbers, rate in [*TABLE_3_2, TOTAL]
    ]
    assert [
        tuple(pytest.approx(v) if isinstance(v, float) else v for v in row) for row in rows[:6]
    ] == expected
    assert rows[6][0] == "区分別達成度の平均" and rows[6][6] == pytest.approx(0.633)
    from tests.reports.report_files import workbook

    sheet = workbook(data)["3-2 達成状況"]
    assert sheet["G3"].number_format == "0.0%" and sheet["G3"].data_type == "n"
    assert sheet.merged_cells.ranges == set()
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4  # 9: A4
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.print_area == "'3-2 達成状況'!$A$1:$H$9"
    notes = [text for _, text in sheet_rows(data, "3-2 注記")]
    assert any(POOLED_FORMULA in text for text in notes)
    assert any(MEAN_FORMULA in text for text in notes)


def test_pdf_reads_table_3_2_back_as_rows(report):
    lines = pdf_lines(render(report, "pdf"))
    for name, *numbers, rate in [*TABLE_3_2, TOTAL]:
        assert f"{name} {' '.join(map(str, numbers))} {rate}%" in lines
    assert f"区分別達成度の平均 {MEAN}%" in lines
    text = "".join(lines).replace(" ", "")
    assert POOLED_FORMULA.replace(" ", "") in text
    assert MEAN_FORMULA.replace(" ", "") in text


def test_html_shows_table_3_2_and_both_formulas(report):
    html = render(report, "html").decode()
    table = html_table(html, "表3-2")
    expected = [[name, *map(str, numbers), f"{rate}%"] for name, *numbers, rate in TABLE_3_2]
    assert table.body == expected
    name, *numbers, rate = TOTAL
    assert table.foot[0] == ["合計（全取組を合算）", *map(str, numbers), f"{rate}%"]
    assert table.foot[1][0] == "区分別達成度の平均" and table.foot[1][-1] == f"{MEAN}%"
    assert POOLED_FORMULA in html and MEAN_FORMULA in html


def _box_row(area, title, kpi, status):
    return [f"【{area}】", title, kpi, status]


def test_word_and_excel_carry_the_sixteen_boxes(report):
    table = docx_table(render(report, "docx"), "区分")
    assert table[1:] == [_box_row(*box) for box in BOXES]
    rows = sheet_rows(render(report, "xlsx"), "主な達成・未達成項目")
    assert [(area, title, status) for area, _, title, *_, status in rows] == [
        (area, title, status) for area, title, _, status in BOXES
    ]
    by_title = {row[2]: row for row in rows}
    assert by_title["マイナンバーカード交付率"][4:7] == (74, 100, "%")
    assert by_title["コンビニ交付利用率"][4:7] == (pytest.approx(9.1), pytest.approx(22.1), "%")


def test_pdf_and_html_carry_the_sixteen_boxes(report):
    flat = pdf_flat(render(report, "pdf"))
    html = render(report, "html").decode()
    for area, title, kpi, status in BOXES:
        assert f"【{area}】{title}{kpi}{status}".replace(" ", "") in flat
        assert f'<p class="year-report__box-title">{title}</p>' in html
    assert html.count('class="year-report__box"') == 16


def test_every_format_lists_the_eleven_events_of_the_year(report):
    assert len(report.events) == 11
    table = docx_table(render(report, "docx"), "年")
    assert [tuple(row) for row in table[1:]] == EVENTS
    rows = sheet_rows(render(report, "xlsx"), "3-3 主な取組一覧")
    assert [(y, m, s, a) for y, m, _, s, a in rows] == EVENTS
    flat = pdf_flat(render(report, "pdf"))
    html = render(report, "html").decode()
    for year, month, summary, areas in EVENTS:
        assert f"{year}{month}{summary}{areas}".replace(" ", "") in flat
        assert summary in html


def test_word_names_japanese_fonts_for_text_and_headings_on_a4(report):
    document = docx_document(render(report, "docx"))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    for style, font in (("Normal", "游明朝"), ("Heading 1", "游ゴシック"), ("Title", "游ゴシック")):
        fonts = document.styles[style].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == font and fonts.get(qn("w:ascii")) == font
        assert fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would win
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "3-2. 取組の達成状況" in headings and "3-1. 検討の状況" in headings


def test_a_published_year_carries_no_draft_mark(report):
    assert "案" not in docx_document_header(render(report, "docx"))
    assert not pdf_lines(render(report, "pdf"))[0].endswith("案")


def docx_document_header(data):
    return docx_document(data).sections[0].header.paragraphs[0].text
