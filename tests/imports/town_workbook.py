"""A town's own workbook, typed the way town offices type them.

Two versions of a plan (the second revises the first), items numbered as codes
(「1-(2)-③」, 「Ａ－０１」, 「①」, 「Ⅱ-3」, 「防1」), twenty sections nobody has
registered yet, a 職員 sheet, past years' 未達成 / 判定不可 without a reason and
旧取組番号 links from the revision back to the first version.
"""

import io

from openpyxl import Workbook

PLAN_1 = "town-1.0"
PLAN_2 = "town-2.0"

SECTIONS = [
    "総務課 行政班",
    "総務課 防災班",
    "企画課 財政班",
    "税務課",
    "住民課 戸籍班",
    "住民課 保険年金班",
    "福祉課",
    "健康課",
    "子育て支援課",
    "環境上下水道課",
    "まち整備課",
    "産業振興課",
    "教育課 学校教育班",
    "教育課 生涯学習班",
    "会計課",
    "議会事務局",
    "地域防災課",
    "消防課",
    "情報政策課",
    "窓口サービス課",
]

# (code as typed, title, area number, section index, 旧取組番号)
ITEMS_1 = [
    ("1-(1)-①", "窓口の予約システム", 1, 0, ""),
    ("1-(2)-③", "書かない窓口", 1, 4, ""),
    ("1-(10)", "コンビニ交付", 1, 5, ""),
    ("Ａ－０１", "テレワーク環境", 2, 2, ""),
    ("A-2", "電子決裁", 2, 14, ""),
    ("①", "情報セキュリティ研修", 2, 18, ""),
    ("防1", "防災アプリ", 1, 16, ""),
]
ITEMS_2 = [
    ("1-(2)-③", "書かない窓口・行かない窓口", 1, 19, "1-(1)-①、1-(2)-③"),
    ("1-(10)", "コンビニ交付の拡充", 1, 5, "1-(10)"),
    ("A-01", "テレワークと電子決裁", 2, 2, "Ａ－０１、A-2"),
    ("Ⅱ-3", "生成AIの活用", 2, 18, ""),
    ("防1", "防災DX", 3, 17, "防1"),
    ("①", "子育て手続のオンライン化", 1, 8, ""),
    ("B-1", "公金収納のキャッシュレス化", 2, 1, ""),
    ("B-2", "税証明のオンライン申請", 1, 3, ""),
    ("B-10", "見守りサービス", 1, 6, ""),
    ("2-(1)", "健診予約のオンライン化", 1, 7, ""),
    ("2-(2)", "上下水道の検針の自動化", 2, 9, ""),
    ("2-(10)", "道路損傷の通報", 1, 10, ""),
    ("Ⅲ", "商店街のキャッシュレス化", 1, 11, ""),
    ("②", "学習用端末の更新", 1, 12, ""),
    ("⑩", "図書館の電子書籍", 1, 13, ""),
    ("防2", "議会のペーパーレス化", 2, 15, ""),
]
# Spellings of sections the file or the database already has: taken as those, flagged.
NEAR_DUPLICATES = {
    "企画課デジタル推進班": "企画課 デジタル推進班",  # registered before the import
    "住民課\u3000戸籍班": "住民課 戸籍班",  # added by this file, spelled once more
    "窓口サービス": "窓口サービス課",  # 「課」 missing
}


def rows(sheet):
    """The rows of one sheet of the workbook, header first."""
    return BOOK[sheet]


BOOK = {
    "計画": [
        ["計画ID", "計画名", "版", "策定年月", "計画期間開始", "計画期間終了", "改定元計画ID"],
        [PLAN_1, "テスト町DX推進計画", "1.0", "令和5年8月", "令和5年8月", "令和7年度末", ""],
        [PLAN_2, "テスト町DX推進計画", "2.0", "令和8年4月", "令和5年8月", "令和10年度末", PLAN_1],
    ],
    "重点施策区分": [
        ["計画ID", "番号", "区分名"],
        [PLAN_1, 1, "町民サービスの向上"],
        [PLAN_1, 2, "行政事務の効率化"],
        [PLAN_2, 1, "町民サービスの向上"],
        [PLAN_2, 2, "行政事務の効率化"],
        [PLAN_2, 3, "防災DXの推進"],
    ],
    "取組": [
        ["計画ID", "取組番号", "取組名", "重点施策区分", "担当課", "旧取組番号"],
        # The revision's rows come first: its links name items further down.
        *[[PLAN_2, c, t, a, SECTIONS[s], old] for c, t, a, s, old in ITEMS_2],
        *[[PLAN_1, c, t, a, SECTIONS[s], old] for c, t, a, s, old in ITEMS_1],
        [PLAN_1, "Z-1", "庁内ネットワークの更新", 2, "企画課デジタル推進班", ""],
    ],
    "達成状況": [
        ["計画ID", "取組番号", "年度", "達成状況", "備考"],
        [PLAN_1, "1-(1)-①", "令和5年度", "未達成", ""],
        [PLAN_1, "1-(2)-③", "令和5年度", "判定不可", None],
        [PLAN_1, "1-(10)", "R6", "達成", ""],
        [PLAN_1, "Ａ－０１", "令和6年度", "一部達成", "端末の配備まで"],
        [PLAN_1, "A-2", "2025", "未達成", ""],
        [PLAN_1, "①", "令和7年度", "未達成", "研修を延期"],
        [PLAN_2, "１－（２）－③", "令和8年度", "一部達成", ""],
    ],
    "指標": [
        ["計画ID", "取組番号", "指標名", "単位", "基準値", "基準年度", "目標値", "目標年度"],
        [PLAN_2, "A-01", "テレワーク実施率", "%", "12", "令和7年度", 50, "令和10年度"],
    ],
    "職員": [
        ["ユーザー名", "氏名", "メールアドレス", "担当課", "役割"],
        ["tanaka.h", "田中 花子", "tanaka@example.jp", "窓口サービス課", "職員"],
        ["suzuki.k", "鈴木　健", "", "住民課 戸籍班、住民課 保険年金班", "課長"],
        ["sato.m", "佐藤 三郎", "sato@example.jp", "", "管理職"],
        ["ito.y", "伊藤 洋子", "", "情報政策課", "管理者"],
        ["watanabe.r", "渡辺 亮", "", "窓口サービス、住民課\u3000戸籍班", "職員"],
    ],
}


def town_workbook(edit=None):
    """The workbook's .xlsx bytes; ``edit(book)`` may change cells of the openpyxl book first."""
    book = Workbook()
    book.remove(book.active)
    for name, sheet_rows in BOOK.items():
        ws = book.create_sheet(name)
        for row in sheet_rows:
            ws.append(row)
    if edit is not None:
        edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
