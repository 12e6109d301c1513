"""Turn what people type into spreadsheet cells into values the system stores.

Every parser raises ``CellError`` with a Japanese message that says what is
wrong and what is allowed. Names and codes are compared after NFKC
(full-width digits and letters become half-width); free text such as titles
and comments is stored as written, only trimmed, so that 全角括弧 survive a
round trip.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from actions import codes
from actions.models import Status
from plans import wareki
from reports.exporting import FORMULA_PREFIXES

# Spaces Excel users leave around text: ASCII, full-width (U+3000), no-break.
_SPACES = " \t\r\n\u3000\u00a0"
LIST_SEPARATORS = re.compile(r"[、;；/／\n]")
STATUS_HELP = "達成、一部達成、未達成、判定不可 のいずれか（空欄は未評価）"
MAX_DECIMAL = Decimal("99999999999.999")  # DecimalField(max_digits=14, decimal_places=3)


class CellError(ValueError):
    """A cell value that cannot be used; ``str()`` is the message for the user."""


@dataclass(frozen=True)
class Percent:
    """A number cell formatted as a percentage: Excel stores 74% as 0.74."""

    value: Decimal

    def __str__(self):
        return f"{self.value.normalize():f}%"


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip(_SPACES))


def display(value):
    """The value as the error table shows it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == datetime.time() else str(value)
    return str(value)


def clean_text(value):
    """Free text: trimmed (full-width spaces too); the formula guard of exports undone."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip(_SPACES)
    # Exports write '=… so a spreadsheet does not run it; read it back as =….
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text


def normalize(value):
    """For matching names and codes: NFKC, trimmed, inner spaces collapsed."""
    text = unicodedata.normalize("NFKC", clean_text(value))
    return re.sub(r"\s+", " ", text).strip()


def match_key(value):
    """A looser key for names: NFKC, no spaces, case-folded."""
    return re.sub(r"\s+", "", normalize(value)).casefold()


def split_list(value):
    """「町民サービスの向上、防災DXの推進」 -> two names (、 ; ／ or line breaks)."""
    return [
        part.strip(_SPACES)
        for part in LIST_SEPARATORS.split(clean_text(value))
        if part.strip(_SPACES)
    ]


def parse_plan_id(value):
    """計画ID: the plan's slug as stored (letters, digits, - _ and .)."""
    text = normalize(value)
    if not re.fullmatch(r"[-a-zA-Z0-9_.]+", text):
        raise CellError(
            f"「{text}」は計画IDとして使えません。半角英数字・ハイフン・ピリオドで入力してください"
            "（例: nakai-dx-2.0）。"
        )
    return text


def parse_int(value, *, minimum=1):
    if isinstance(value, bool):
        raise CellError("整数で入力してください。")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = normalize(value).replace(",", "").replace(" ", "")
        text = re.sub(r"^(?:No\.?|NO\.?|no\.?|第)", "", text)
        text = re.sub(r"番$", "", text)
        if not re.fullmatch(r"\d+(?:\.0+)?", text):
            raise CellError(
                f"「{display(value)}」は整数として読めません。1、2、3 のように入力してください。"
            )
        number = int(float(text))
    if number < minimum:
        raise CellError(f"{minimum} 以上の整数で入力してください。")
    return number


@dataclass(frozen=True)
class ItemCode:
    """A 取組番号 as typed (``text``, kept for display) and its matching key."""

    text: str
    key: str

    def __str__(self):
        return self.text


def parse_item_code(value):
    """「12」, 12, 「１２」, 「No.12」, 「第12」, 「12番」, 「A-01」, 「1-(2)-③」, 「①」, 「Ⅱ-3」, 「防1」."""
    if isinstance(value, bool):
        raise CellError("取組番号は 12、A-01、1-(2)-③ のように入力してください。")
    text = codes.as_text(value) if isinstance(value, int | float) else clean_text(value)
    plain = re.sub(
        r"^(?:No\.?|NO\.?|no\.?|第)\s*(\d+)\s*番?$|^(\d+)\s*番$", r"\1\2", normalize(text)
    )
    if plain.isdigit() and plain != normalize(text):
        text = plain  # 「第12」「No.12」「12番」 name item 12
    try:
        return ItemCode(text, codes.normalise(text))
    except codes.InvalidCode as exc:
        raise CellError(str(exc)) from exc


def parse_decimal(value):
    """74, 「74%」, 「７４％」, 「1,234」, a percent-formatted cell (0.74 -> 74); blank -> None."""
    if is_blank(value):
        return None
    if isinstance(value, Percent):
        number = value.value
    elif isinstance(value, bool):
        raise CellError("数値で入力してください。")
    elif isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = normalize(value).replace(",", "").replace(" ", "")
        text = text.replace("−", "-").removesuffix("%")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise CellError(
                f"「{display(value)}」は数値として読めません。74、74%、1,234、12.5 のように入力してください。"
            ) from exc
        if not number.is_finite():
            raise CellError(f"「{display(value)}」は数値として読めません。")
    if abs(number) > MAX_DECIMAL:
        raise CellError("数値が大きすぎます（整数部は11桁まで）。")
    if number != number.quantize(Decimal("0.001")):
        raise CellError("小数点以下は3桁までにしてください。")
    return number.quantize(Decimal("0.001"))


def parse_fiscal_year(value):
    try:
        return wareki.parse_fiscal_year(value)
    except wareki.WarekiError as exc:
        raise CellError(str(exc)) from exc


def parse_optional_fiscal_year(value):
    return None if is_blank(value) else parse_fiscal_year(value)


def parse_date(value, *, period_end=False):
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(
            f"「{display(value)}」は日付として読めません。2023/8/1、令和5年8月 のように入力してください。"
        )
    try:
        return wareki.parse_date(value, period_end=period_end)
    except wareki.WarekiError as exc:
        message = str(exc)
        if period_end:
            message = message.rstrip("。") + "（期間の終了は 令和9年度末 も可）。"
        raise CellError(message) from exc


def parse_status(value):
    """達成状況 label -> Status value; blank (or 未評価) -> ""."""
    text = normalize(value).replace(" ", "")
    if text in ("", "未評価", "-", "—", "ー"):
        return ""
    status = Status.from_label(text)
    if status is None and text in Status.values:
        status = Status(text)
    if status is None:
        raise CellError(
            f"「{display(value)}」は達成状況として使えません。{STATUS_HELP}で入力してください。"
        )
    return status.value
