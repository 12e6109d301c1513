"""Japanese eras (和暦) and fiscal years (年度).

The system stores 西暦 everywhere; a fiscal year is stored as the 西暦 year in
which it starts (令和7年度 = 2025, running 2025-04-01 to 2026-03-31). This
module turns those into the labels users read and parses what they type.

The labels follow the active language (nakai_dx.languages): 「令和7年度（2025年度）」
in Japanese, 「2025年度（令和7年度）」 in やさしい日本語 (the 西暦 first: it is the
year a reader who did not grow up with the eras knows), "FY2025 (Reiwa 7)" in
English. Staff pages, commands and the API are Japanese; what users type is
parsed the same in every language.
"""

import datetime
import re
import unicodedata

from django.utils.translation import get_language

EASY_JAPANESE = "ja-easy"
ENGLISH = "en"
ERA_IN_ENGLISH = {"令和": "Reiwa", "平成": "Heisei", "昭和": "Showa"}
MONTHS_IN_ENGLISH = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# (name, short letter, first day of the era)
ERAS = (
    ("令和", "R", datetime.date(2019, 5, 1)),
    ("平成", "H", datetime.date(1989, 1, 8)),
    ("昭和", "S", datetime.date(1926, 12, 25)),
)
ERA_BY_NAME = {name: start for name, _letter, start in ERAS}
ERA_BY_LETTER = {letter: start for _name, letter, start in ERAS}


class WarekiError(ValueError):
    """A text that is not a year or date this module understands."""


def normalize(text):
    """NFKC (full-width digits and letters to half-width), trimmed."""
    return unicodedata.normalize("NFKC", str(text)).strip()


def _era_year_text(year_in_era):
    return "元" if year_in_era == 1 else str(year_in_era)


def era_of_date(value):
    """The era name and year within the era of a calendar date."""
    for name, _letter, start in ERAS:
        if value >= start:
            return name, value.year - start.year + 1
    raise WarekiError(f"{value:%Y年%m月%d日} は対応する元号の範囲外です。")


def era_of_fiscal_year(fiscal_year):
    """A fiscal year is named after the era in force at its end of April.

    令和 began on 1 May 2019, yet the year from April 2019 is called 令和元年度,
    as the government does; so the era is the one in force on 1 May.
    """
    return era_of_date(datetime.date(fiscal_year, 5, 1))


def _era_or_none(era_of, value):
    try:
        return era_of(value)
    except (WarekiError, ValueError, OverflowError):
        return None


def _english_era(name, year_in_era):
    return f"{ERA_IN_ENGLISH[name]} {year_in_era}"


def fiscal_year_label(fiscal_year, with_western=True):
    """2025 -> 「令和7年度（2025年度）」 (English "FY2025 (Reiwa 7)"); a year no era covers
    stays 「1900年度」 ("FY1900"). Without ``with_western``: 「令和7年度」, the 西暦 alone
    in やさしい日本語 and English (「2025年度」, "FY2025")."""
    fiscal_year = int(fiscal_year)
    era = _era_or_none(era_of_fiscal_year, fiscal_year)
    language = get_language()
    if language == ENGLISH:
        if era is None or not with_western:
            return f"FY{fiscal_year}"
        return f"FY{fiscal_year} ({_english_era(*era)})"
    if era is None:
        return f"{fiscal_year}年度"
    name, year_in_era = era
    in_era = f"{name}{_era_year_text(year_in_era)}年度"
    if language == EASY_JAPANESE:
        return f"{fiscal_year}年度（{in_era}）" if with_western else f"{fiscal_year}年度"
    return f"{in_era}（{fiscal_year}年度）" if with_western else in_era


def month_label(value, with_western=False):
    """date(2026, 4, 1) -> 「令和8年4月」, with ``with_western`` 「令和8年4月（2026年4月）」;
    "April 2026 (Reiwa 8)" in English, 「2026年4月（令和8年4月）」 in やさしい日本語."""
    name, year_in_era = era_of_date(value)
    language = get_language()
    if language == ENGLISH:
        month = f"{MONTHS_IN_ENGLISH[value.month - 1]} {value.year}"
        return f"{month} ({_english_era(name, year_in_era)})" if with_western else month
    in_era = f"{name}{_era_year_text(year_in_era)}年{value.month}月"
    western = f"{value.year}年{value.month}月"
    if language == EASY_JAPANESE:
        return f"{western}（{in_era}）" if with_western else western
    return f"{in_era}（{western}）" if with_western else in_era


def date_label(value, with_western=False):
    """date(2019, 5, 1) -> 「令和元年5月1日」, with ``with_western``
    「令和元年5月1日（2019年5月1日）」; "1 May 2019 (Reiwa 1)" in English."""
    name, year_in_era = era_of_date(value)
    language = get_language()
    if language == ENGLISH:
        day = f"{value.day} {MONTHS_IN_ENGLISH[value.month - 1]} {value.year}"
        return f"{day} ({_english_era(name, year_in_era)})" if with_western else day
    in_era = f"{name}{_era_year_text(year_in_era)}年{value.month}月{value.day}日"
    western = f"{value.year}年{value.month}月{value.day}日"
    if language == EASY_JAPANESE:
        return f"{western}（{in_era}）" if with_western else western
    return f"{in_era}（{western}）" if with_western else in_era


def fiscal_year_of_date(value):
    """The fiscal year a date falls in: 2026-03-31 -> 2025."""
    return value.year if value.month >= 4 else value.year - 1


def fiscal_year_end(fiscal_year):
    return datetime.date(int(fiscal_year) + 1, 3, 31)


_ERA_PREFIX = r"(?P<era>令和|平成|昭和|[RHSrhs])\s*(?P<eyear>元|\d{1,2})"


def _western_from_era(era, era_year):
    era = era.upper() if len(era) == 1 else era
    start = ERA_BY_NAME.get(era) or ERA_BY_LETTER.get(era)
    year_in_era = 1 if era_year == "元" else int(era_year)
    if year_in_era < 1:
        raise WarekiError("元号の年は1（元年）以上です。")
    return start.year + year_in_era - 1


_FISCAL_RE = re.compile(rf"^(?:{_ERA_PREFIX}|(?P<western>\d{{4}}))\s*(?:年度|年)?$")


def parse_fiscal_year(value):
    """Parse 2025, 「2025年度」, 「令和7年度」, 「令和７年度」, R7, 「R7年度」, 「令和元年度」.

    Returns the 西暦 year in which the fiscal year starts.
    """
    if isinstance(value, bool):
        raise WarekiError("年度として読めません。")
    if isinstance(value, int):
        return _check_range(value)
    if isinstance(value, float) and value.is_integer():
        return _check_range(int(value))
    text = normalize(value).replace(" ", "")
    if not text:
        raise WarekiError("年度が空です。")
    match = _FISCAL_RE.match(text)
    if not match:
        raise WarekiError(
            f"「{text}」は年度として読めません。2025、2025年度、令和7年度、R7 のように入力してください。"
        )
    if match.group("western"):
        return _check_range(int(match.group("western")))
    return _check_range(_western_from_era(match.group("era"), match.group("eyear")))


def _check_range(year):
    if not 1926 <= year <= 2200:
        raise WarekiError(f"{year} は年度として範囲外です。")
    return year


_WESTERN_DATE_RE = re.compile(
    r"^(?P<y>\d{4})[/\-.年](?P<m>\d{1,2})(?:[/\-.月](?P<d>\d{1,2})日?|月)?$"
)
_ERA_DATE_RE = re.compile(
    rf"^{_ERA_PREFIX}[年./\-](?P<m>\d{{1,2}})(?:[月./\-](?P<d>\d{{1,2}})日?|月)?$"
)
_ERA_FISCAL_END_RE = re.compile(rf"^(?:{_ERA_PREFIX}|(?P<western>\d{{4}}))年度末$")


def parse_date(value, period_end=False):
    """Parse 2023/8/1, 2023-08-01, 「令和5年8月」, 「令和10年3月31日」, or a date.

    A month without a day means its first day, or its last day when
    ``period_end`` is set. With ``period_end`` 「令和9年度末」 (the end of a
    fiscal year) is accepted as well.
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = normalize(value).replace(" ", "")
    if not text:
        raise WarekiError("日付が空です。")
    if period_end:
        match = _ERA_FISCAL_END_RE.match(text)
        if match:
            if match.group("western"):
                return fiscal_year_end(int(match.group("western")))
            return fiscal_year_end(_western_from_era(match.group("era"), match.group("eyear")))
    match = _WESTERN_DATE_RE.match(text)
    if match:
        year = int(match.group("y"))
    else:
        match = _ERA_DATE_RE.match(text)
        if not match:
            raise WarekiError(
                f"「{text}」は日付として読めません。2023/8/1、2023-08-01、令和5年8月 のように入力してください。"
            )
        year = _western_from_era(match.group("era"), match.group("eyear"))
    month = int(match.group("m"))
    day = match.group("d")
    try:
        if day:
            return datetime.date(year, month, int(day))
        if period_end:
            next_month = datetime.date(year + (month == 12), month % 12 + 1, 1)
            return next_month - datetime.timedelta(days=1)
        return datetime.date(year, month, 1)
    except ValueError as exc:
        raise WarekiError(f"「{text}」は存在しない日付です。") from exc
