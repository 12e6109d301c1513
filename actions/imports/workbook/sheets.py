"""The sheets of the exchange workbook and their columns.

The column names are the header row users see; a row's key is its key
columns. The order of ``SHEETS`` is the order the sheets appear in exports;
``APPLY_ORDER`` is the order an import writes them (plans before areas
before items …).
"""

from dataclasses import dataclass

from plans.translated import LANGUAGE_LABELS, SUFFIXES


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False  # the header must have this column
    key: bool = False
    help: str = ""


@dataclass(frozen=True)
class SheetDef:
    name: str
    columns: tuple
    description: str = ""

    @property
    def names(self):
        return [column.name for column in self.columns]

    @property
    def key_names(self):
        return [column.name for column in self.columns if column.key]

    @property
    def required_names(self):
        return [column.name for column in self.columns if column.required or column.key]


def translation_column(name, language):
    """「取組名（英語）」: the column of a text's translation into ``language`` ("en", "ja-easy")."""
    return f"{name}（{LANGUAGE_LABELS[language]}）"


def translation_columns(*names):
    """The optional translation columns of the named columns: a sheet without them imports
    as before and leaves the stored translations as they are; a blank cell clears one."""
    return tuple(
        Column(
            translation_column(name, language),
            help=f"{LANGUAGE_LABELS[language]}のページに表示する{name}"
            "（任意）。空欄なら日本語のまま表示します",
        )
        for name in names
        for language in SUFFIXES
    )


PLAN_ID = Column(
    "計画ID", key=True, help="計画の識別子（例: nakai-dx-2.0）。半角英数字とハイフン。"
)

PLAN = SheetDef(
    "計画",
    (
        PLAN_ID,
        Column("計画名", required=True),
        Column("版", required=True, help="例: 2.0"),
        Column("策定年月", required=True, help="例: 令和8年4月、2026/4/1"),
        Column("計画期間開始", required=True, help="例: 令和5年8月、2023/8/1"),
        Column("計画期間終了", required=True, help="例: 令和10年度末、2029/3/31"),
        Column("改定元計画ID", help="中間見直し等で改定した元の計画の計画ID"),
        *translation_columns("計画名"),
    ),
    "計画の版と期間。",
)
AREA = SheetDef(
    "重点施策区分",
    (
        PLAN_ID,
        Column("番号", key=True, help="1から始まる区分の番号"),
        Column("区分名", required=True),
        Column("主な取組"),
        Column("国計画との整合", help="計画書に書かれたとおりの記載"),
        Column(
            "国計画の重点取組事項",
            help="区分が対応する国の自治体DX推進計画の重点取組事項（登録済みの名前）。"
            "複数は 、 ; ／ で区切る。空欄にすると対応付けを外します。"
            "同じ名前が複数の版にあるときは「名前（第5.0版）」",
        ),
        Column("別表記", help="取込時に同じ区分とみなす表記。複数は 、 ; ／ で区切る"),
        *translation_columns("区分名", "主な取組"),
    ),
    "重点施策区分と、その別表記（表記ゆれ）、国計画との対応付け。",
)
ITEM = SheetDef(
    "取組",
    (
        PLAN_ID,
        Column("取組番号", key=True),
        Column("取組名", required=True),
        Column("重点施策区分", required=True, help="区分名・別表記・番号のいずれか"),
        Column("再掲区分", help="再掲する区分。複数は 、 ; ／ で区切る"),
        Column("担当課", help="担当課の名前。登録されていない担当課は取込で追加します"),
        Column("概要"),
        *translation_columns("取組名"),
        Column(
            "旧取組番号",
            help="改定元の計画で、この取組が引き継ぐ（複数なら統合する）取組の取組番号。"
            "複数は 、 で区切る",
        ),
    ),
    "アクションプランの取組。",
)
STATUS = SheetDef(
    "達成状況",
    (
        PLAN_ID,
        Column("取組番号", key=True),
        Column("年度", key=True, help="例: 2025、令和7年度、R7"),
        Column("達成状況", required=True, help="達成、一部達成、未達成、判定不可、空欄（未評価）"),
        Column("備考", help="未達成・判定不可のときは理由を必ず記入"),
    ),
    "取組ごと・年度ごとの達成状況。",
)
KPI = SheetDef(
    "指標",
    (
        PLAN_ID,
        Column("取組番号", key=True),
        Column("指標名", key=True),
        Column("単位"),
        Column("基準値"),
        Column("基準年度"),
        Column("目標値"),
        Column("目標年度"),
        *translation_columns("指標名", "単位"),
    ),
    "取組の指標（KPI）と基準値・目標値。",
)
KPI_ACTUAL = SheetDef(
    "指標実績",
    (
        PLAN_ID,
        Column("取組番号", key=True),
        Column("指標名", key=True),
        Column("年度", key=True),
        Column("実績値", required=True, help="空欄にすると登録済みの実績を削除します"),
    ),
    "指標の年度ごとの実績値。",
)

STAFF = SheetDef(
    "職員",
    (
        Column("ユーザー名", key=True, help="ログインに使う名前（例: tanaka.h）"),
        Column("氏名", help="姓と名の間に空白（例: 田中 花子）"),
        Column("メールアドレス"),
        Column(
            "担当課", help="所属する担当課。複数は 、 で区切る。登録されていない担当課は追加します"
        ),
        Column("役割", required=True, help="職員、課長、管理職、管理者 のいずれか"),
    ),
    "職員のアカウントと役割・所属担当課（任意のシート）。新しいアカウントの初期パスワードは"
    "取込の結果に1回だけ表示し、初回ログインで変更してもらいます。登録済みのアカウントの"
    "パスワードは変更しません。書き出しには含めません。",
)

# The plan's data: what an export writes. The template has these and 職員.
SHEETS = (PLAN, AREA, ITEM, STATUS, KPI, KPI_ACTUAL)
TEMPLATE_SHEETS = (*SHEETS, STAFF)
SHEETS_BY_NAME = {sheet.name: sheet for sheet in SHEETS}
READ_SHEETS_BY_NAME = {sheet.name: sheet for sheet in TEMPLATE_SHEETS}
APPLY_ORDER = (PLAN, AREA, ITEM, KPI, STATUS, KPI_ACTUAL, STAFF)

# Sheets of the template that an import skips.
GUIDE_SHEET = "説明"
EXAMPLE_SHEET = "記入例"
CHOICES_SHEET = "選択肢"
IGNORED_SHEETS = frozenset({GUIDE_SHEET, EXAMPLE_SHEET, CHOICES_SHEET})

# How far down a title row may push the header.
HEADER_SEARCH_ROWS = 30
