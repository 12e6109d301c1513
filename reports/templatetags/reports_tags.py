"""Labels the public pages print: 和暦 years and months, rates, status badges."""

from django import template

from plans import wareki
from reports.achievement import format_rate
from reports.tables import status_badge as _status_badge

register = template.Library()


@register.filter
def fiscal_year_label(fiscal_year):
    """2025 -> 「令和7年度（2025年度）」."""
    return "" if fiscal_year in (None, "") else wareki.fiscal_year_label(fiscal_year)


@register.filter
def short_fiscal_year_label(fiscal_year):
    """2025 -> 「令和7年度」."""
    return (
        ""
        if fiscal_year in (None, "")
        else wareki.fiscal_year_label(fiscal_year, with_western=False)
    )


@register.filter
def month_label(value):
    """date(2026, 4, 1) -> 「令和8年4月（2026年4月）」."""
    return "" if value is None else wareki.month_label(value, with_western=True)


@register.filter
def rate(value):
    """A rate (a Fraction of 1, or None) as 「87.5%」 or 「—」."""
    return format_rate(value)


@register.simple_tag
def status_badge(value):
    """達成状況 as a text badge (the label is always written, never colour alone)."""
    return _status_badge(value)


@register.filter
def japanese_message(exception):
    """The message of an Http404 this site raised (always Japanese); framework messages are dropped."""
    text = str(exception or "")
    return (
        text if any("\u3040" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text) else ""
    )


@register.filter
def date_label(value):
    """date(2026, 12, 7) -> 「令和8年12月7日（2026年12月7日）」."""
    if value is None:
        return ""
    return f"{wareki.date_label(value)}（{value.year}年{value.month}月{value.day}日）"


@register.filter
def sort_link(comparison, key):
    """The ``sort`` a heading of the towns compared links to (reports.comparison.Comparison)."""
    return comparison.sort_link(key)


@register.filter
def aria_sort(comparison, key):
    """ "ascending" / "descending" for the column the towns compared are sorted by, else None."""
    return comparison.aria_sort(key)
