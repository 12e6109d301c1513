"""Write a plan's data, or the blank template, in the exchange format.

Exports and the template have the same sheets and headers as an import
reads, so export → edit → import changes only what was edited. Text cells
go through reports.exporting.safe_cell (formula injection).
"""

import csv
import datetime
import io

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from actions.imports.resources import SHEET_RESOURCES, queryset_for_plan
from actions.imports.workbook import sheets as S
from actions.models import Status
from plans.models import PriorityArea
from plans.towns import site_title
from plans.translated import SUFFIXES
from reports.exporting import safe_cell

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
VALIDATION_ROWS = 2000
DATE_FORMAT = "yyyy/m/d"
TEXT_FORMAT = "@"
TEXT_COLUMNS = frozenset({"取組番号", "旧取組番号", "ユーザー名"})
WIDE_COLUMNS = {
    "計画名": 28,
    "区分名": 24,
    "主な取組": 32,
    "国計画との整合": 32,
    "国計画の重点取組事項": 32,
    "別表記": 32,
    "取組名": 40,
    "重点施策区分": 24,
    "再掲区分": 24,
    "担当課": 20,
    "概要": 40,
    "備考": 40,
    "指標名": 30,
}
WIDE_COLUMNS.update(
    (S.translation_column(name, language), WIDE_COLUMNS[name])
    for name in ("計画名", "区分名", "主な取組", "取組名", "指標名")
    for language in SUFFIXES
)

EXAMPLES = {
    S.PLAN.name: [
        "nakai-dx-2.0",
        "○○町DX推進計画",
        "2.0",
        "令和8年4月",
        "令和5年8月",
        "令和10年度末",
        "nakai-dx-1.0",
        "○○ Town DX Promotion Plan",
        "○○町 DX計画（デジタルで 町を よくする 計画）",
    ],
    S.AREA.name: [
        "nakai-dx-2.0",
        4,
        "デジタルデバイド対策",
        "スマホ相談会、きめ細かな支援 等",
        "デジタルデバイド対策",
        "デジタルデバイド対策",
        "デジタルデバインド対策、デジタルデバйд対策",
        "Digital access for everyone (closing the digital divide)",
        "だれでも デジタルを つかえるように する",
        "Smartphone help sessions, support suited to each person, etc.",
        "スマホ そうだんかい、ひとりひとりに あわせた てつだい など",
    ],
    S.ITEM.name: [
        "nakai-dx-2.0",
        "1-(2)-③",
        "（例）取組の名称",
        "町民サービスの向上",
        "防災DXの推進",
        "企画課 デジタル推進班",
        "取組の概要",
        "(Example) Name of the action item in English",
        "（れい）とりくみの なまえ",
        "3、5",
    ],
    S.STATUS.name: ["nakai-dx-2.0", "1-(2)-③", "令和8年度", "一部達成", "9手続き→26手続き"],
    S.KPI.name: [
        "nakai-dx-2.0",
        "1-(2)-③",
        "オンライン申請対応手続き数",
        "手続き",
        9,
        "令和5年度",
        40,
        "令和10年度",
        "Number of procedures you can apply for online",
        "インターネットで できる てつづきの 数",
        "procedures",
        "てつづき",
    ],
    S.KPI_ACTUAL.name: ["nakai-dx-2.0", "1-(2)-③", "オンライン申請対応手続き数", "R8", 26],
    S.STAFF.name: [
        "tanaka.h",
        "田中 花子",
        "tanaka@example.jp",
        "企画課 デジタル推進班",
        "職員",
    ],
}


def _start_sheet(ws, names):
    """Column widths and formats, the frozen header row: all before the first row is written."""
    for index, name in enumerate(names, start=1):
        column = ws.column_dimensions[get_column_letter(index)]
        column.width = WIDE_COLUMNS.get(name, 14)
        if name in TEXT_COLUMNS:
            column.number_format = TEXT_FORMAT  # cells typed later in Excel
    ws.freeze_panes = "A2"
    ws.append([_styled(ws, name, font=HEADER_FONT, fill=HEADER_FILL) for name in names])


def _styled(ws, value, **style):
    cell = WriteOnlyCell(ws, value)
    for name, value in style.items():
        setattr(cell, name, value)
    return cell


class _RowWriter:
    """Append rows to a write-only sheet: every text through safe_cell, 取組番号 as a text
    cell (Excel keeps 「1-2」 and 「01」 as typed, not a date or 1), dates as dates.

    A styled cell is made once per column and given each row's value: the
    write-only sheet writes a row as it is appended.
    """

    def __init__(self, ws, names):
        self.ws = ws
        self.text = {
            index: _styled(ws, None, number_format=TEXT_FORMAT)
            for index, name in enumerate(names)
            if name in TEXT_COLUMNS
        }
        self.dates = {}

    def append(self, row):
        values = [safe_cell(value) for value in row]
        for index, cell in self.text.items():
            if index < len(values) and values[index] is not None:
                cell.value = str(values[index])
                values[index] = cell
        for index, value in enumerate(values):
            if isinstance(value, datetime.date):
                values[index] = self._date_cell(index, value)
        self.ws.append(values)

    def _date_cell(self, index, value):
        cell = self.dates.get(index)
        if cell is None:
            cell = self.dates[index] = _styled(self.ws, None, number_format=DATE_FORMAT)
        cell.value = value
        return cell


def sheet_rows(sheet_name, plan):
    """The rows of one sheet of a plan (an iterable), as native values, from the sheet's Resource."""
    resource = SHEET_RESOURCES[sheet_name]()
    return resource.export_rows(queryset_for_plan(sheet_name, plan))


def _add_choices(book, plans):
    ws = book.create_sheet(S.CHOICES_SHEET)
    ws.sheet_state = "hidden"
    ws.append(["達成状況", "重点施策区分"])
    if plans:
        area_names = list(
            PriorityArea.objects.filter(plan__in=plans)
            .order_by("plan", "number")
            .values_list("name", flat=True)
        )
    else:
        area_names = list(
            PriorityArea.objects.order_by("plan", "number").values_list("name", flat=True)
        )
    area_names = list(dict.fromkeys(area_names))
    with translation.override("ja"):  # the workbook is Japanese whatever the page's language
        labels = [str(label) for label in Status.labels]
    for index in range(max(len(labels), len(area_names))):
        ws.append(
            [
                labels[index] if index < len(labels) else None,
                safe_cell(area_names[index]) if index < len(area_names) else None,
            ]
        )
    return len(labels), len(area_names)


def _add_validations(book, n_statuses, n_areas):
    status_ws = book[S.STATUS.name]
    column = get_column_letter(S.STATUS.names.index("達成状況") + 1)
    rule = DataValidation(
        type="list",
        formula1=f"'{S.CHOICES_SHEET}'!$A$2:$A${n_statuses + 1}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="達成状況",
        error="達成、一部達成、未達成、判定不可 のいずれかを選んでください（空欄は未評価）。",
        promptTitle="達成状況",
        prompt="一覧から選びます。空欄は未評価です。",
        showInputMessage=True,
    )
    rule.add(f"{column}2:{column}{VALIDATION_ROWS}")
    status_ws.data_validations.append(rule)  # a write-only sheet writes it when saved
    if n_areas:
        item_ws = book[S.ITEM.name]
        column = get_column_letter(S.ITEM.names.index("重点施策区分") + 1)
        rule = DataValidation(
            type="list",
            formula1=f"'{S.CHOICES_SHEET}'!$B$2:$B${n_areas + 1}",
            allow_blank=False,
            showErrorMessage=False,  # 別表記 and 番号 are accepted too
            promptTitle="重点施策区分",
            prompt="一覧から選ぶか、区分の番号・別表記を入力します。",
            showInputMessage=True,
        )
        rule.add(f"{column}2:{column}{VALIDATION_ROWS}")
        item_ws.data_validations.append(rule)


def _add_examples(book, town=None):
    ws = book.create_sheet(S.EXAMPLE_SHEET)
    for index in range(1, 9):
        ws.column_dimensions[get_column_letter(index)].width = 22
    title = (
        "記入例（このシートは取り込まれません。各シートの見出しの下に、この形で1行ずつ入力します）"
    )
    ws.append([_styled(ws, title, font=HEADER_FONT)])
    for sheet in S.TEMPLATE_SHEETS:
        ws.append([])
        ws.append([_styled(ws, f"シート「{sheet.name}」", font=HEADER_FONT)])
        ws.append([_styled(ws, name, fill=HEADER_FILL) for name in sheet.names])
        example = list(EXAMPLES[sheet.name])
        if sheet.name == S.PLAN.name and town is not None:
            example[1] = f"{town.name}DX推進計画"
        _RowWriter(ws, sheet.names).append(example)


def guide_lines(town=None):
    """The 説明 sheet: the format in short, for people filling the workbook in."""
    lines = [
        f"{town.name if town else ''}DX推進計画 取込用ブックの書き方",
        "",
        "・シート名と見出し（1行目）はこのブックのとおりにします。列の順番は自由です。見出しの上にタイトル行や空行があっても構いません。",
        "・行のキー（計画ID＋取組番号＋年度 など）が同じ行は、取り込むと上書き（更新）されます。同じキーの行を2つ書くとエラーです。",
        "・エクスポートしたブックを編集して取り込むと、編集した行だけが変更されます。何も編集せずに取り込むと何も変わりません。",
        "・エラーが1つでもあると、ファイル全体を取り込みません（途中まで取り込まれることはありません）。",
        "・確定済みの年度の達成状況・実績値は変更できません（同じ値のままなら問題ありません）。",
        "",
        "値の書き方",
        "・年度: 2025、2025年度、令和7年度、R7、令和元年度",
        "・日付: 2023/8/1、2023-08-01、令和5年8月、令和10年3月31日。計画期間終了は 令和9年度末 も可",
        "・数値: 74、74%、７４％、1,234。全角数字も使えます",
        "・取組番号: 計画書のとおりに（12、A-01、1-(2)-③、①、Ⅱ-3、防1 など）。全角・半角の違いは同じ番号とみなします（Ａ－０１ = A-01）。"
        "取組番号の列は文字列の書式なので、1-2 が日付に変わったり 01 の 0 が消えたりしません",
        "・達成状況: 達成、一部達成、未達成、判定不可。空欄は未評価。未達成・判定不可の理由は備考に書きます"
        "（過去の年度で理由がない行も取り込めます。確認画面に注意として表示します）",
        "・担当課: 登録されていない担当課は、取り込むときに追加します（確認画面の「新規に作成される担当課」）。"
        "登録済みの担当課と空白・全角半角・「課」の有無だけが違う表記は、同じ担当課とみなして注意を表示します",
        "・旧取組番号（取組シート、任意）: 改定版の取組が引き継ぐ改定元の計画の取組番号。2つ以上なら、それらを統合した取組です",
        "・職員シート（任意）: アカウントを追加・更新します。役割は 職員、課長、管理職、管理者。新しいアカウントの初期パスワードは"
        "取込の結果画面に1回だけ表示し、本人が初回ログインで変更します。登録済みのアカウントのパスワードは変更しません",
        "・重点施策区分・再掲区分: 区分名、別表記（表記ゆれ）、番号のいずれか。複数は 、 ; ／ で区切ります",
        "・翻訳の列（任意）: 「取組名（英語）」「取組名（やさしい日本語）」のように、計画名・区分名・主な取組・"
        "取組名・指標名・単位の英語とやさしい日本語を書けます。英語・やさしい日本語のページに表示し、空欄なら日本語のまま"
        "表示します。列がなければ登録済みの翻訳は変わりません（列があって空欄なら翻訳を消します）",
        "・数式は、保存されている計算結果を読み取ります。結合セル・末尾の空行や空列は無視します",
        "・CSV で取り込むときは、1シートを1ファイルにします（UTF-8 または Shift_JIS）。見出し行でシートを判別します",
        "",
        "シートと列（★は必須の列）",
    ]
    for sheet in S.TEMPLATE_SHEETS:
        lines.append("")
        lines.append(f"【{sheet.name}】 {sheet.description} キー: {'＋'.join(sheet.key_names)}")
        for column in sheet.columns:
            mark = "★" if column.required or column.key else "・"
            lines.append(f"  {mark}{column.name}" + (f" … {column.help}" if column.help else ""))
    return lines


def _add_guide(book, town=None):
    ws = book.create_sheet(S.GUIDE_SHEET)
    ws.column_dimensions["A"].width = 120
    title, *lines = guide_lines(town)
    ws.append([_styled(ws, safe_cell(title), font=Font(bold=True, size=14))])
    for line in lines:
        ws.append([safe_cell(line)])


def build_workbook(plans=(), *, template=False, town=None):
    """A write-only openpyxl Workbook with every sheet; headers only for the template.

    Rows are written as they are read (a plan may hold 100,000 status rows);
    the book can be saved once (workbook_bytes).
    """
    plans = list(plans)
    town = town or (plans[0].town if plans else None)
    book = Workbook(write_only=True)
    if template:
        _add_guide(book, town)  # the template opens on how to fill it in
    for sheet in S.TEMPLATE_SHEETS if template else S.SHEETS:
        ws = book.create_sheet(sheet.name)
        _start_sheet(ws, sheet.names)
        if not template:
            writer = _RowWriter(ws, sheet.names)
            for plan in plans:
                for row in sheet_rows(sheet.name, plan):
                    writer.append(row)
    n_statuses, n_areas = _add_choices(book, plans)
    _add_validations(book, n_statuses, n_areas)
    _add_examples(book, town)
    if not template:
        _add_guide(book, town)
    book.active = 0
    book.properties.creator = site_title(town)
    book.properties.created = timezone.now().replace(tzinfo=None)
    return book


def workbook_bytes(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_csv_bytes(sheet_name, plans):
    """One sheet as CSV: UTF-8 with BOM (Excel opens it correctly), CRLF, dates as 2023-08-01."""
    sheet = S.SHEETS_BY_NAME[sheet_name]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(sheet.names)
    for plan in plans:
        for row in sheet_rows(sheet_name, plan):
            writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return safe_cell(value) if isinstance(value, str) else str(value)


def export_filename(plan=None, *, template=False, extension="xlsx", sheet=None):
    today = timezone.localdate().strftime("%Y%m%d")
    if template:
        return f"取込用テンプレート_{today}.{extension}"
    label = f"{plan.name}{plan.version}版" if plan else "全計画"
    suffix = f"_{sheet}" if sheet else ""
    return f"{label}_データ{suffix}_{today}.{extension}"
