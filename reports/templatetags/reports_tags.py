"""Labels the public pages print: 和暦 years and months, rates, status badges, plan titles.

Years, months and dates follow the page's language (plans.wareki): 「令和7年度（2025年度）」,
「2025年度（令和7年度）」 in やさしい日本語, "FY2025 (Reiwa 7)" in English.
"""

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from nakai_dx.errors import ReaderMessage
from plans import wareki
from plans.templatetags.translated import tr
from reports import wording
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


def fill(template, **values):
    """A translated sentence with its %(name)s filled: the sentence escaped, each value
    escaped unless it is markup already (a name marked lang="ja")."""
    return mark_safe(
        conditional_escape(template) % {k: conditional_escape(v) for k, v in values.items()}
    )


@register.filter
def plan_title(plan):
    """「中井町DX推進計画（1.0版）」: the plan's name (translated where it has a translation,
    else marked lang="ja" on an English page) and its version."""
    return fill(_("%(name)s（%(version)s版）"), name=tr(plan, "name"), version=plan.version)


@register.filter
def area_name_text(area):
    """The area's name as plain text, for a <title> (reports.wording)."""
    return wording.area_name(area)


@register.filter
def item_name_text(item):
    """The item's name as plain text, for a <title> (reports.wording)."""
    return wording.item_name(item)


@register.filter
def japanese_message(exception):
    """The message of an Http404 this site raised for the reader: a NotFound's (in the page's
    language) or one written in Japanese; the framework's messages (English) are dropped.

    ``exception`` is the message string Django's 404 handler passes to the page."""
    text = str(exception or "")
    if isinstance(exception, ReaderMessage):
        return text
    return (
        text if any("\u3040" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in text) else ""
    )


@register.filter
def date_label(value):
    """date(2026, 12, 7) -> 「令和8年12月7日（2026年12月7日）」."""
    if value is None:
        return ""
    return wareki.date_label(value, with_western=True)


# Kana, kanji, CJK punctuation and full-width forms: what makes a text Japanese to a reader.
JAPANESE_CHARACTERS = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff01-\uff60\uffe0-\uffe6]")


@register.filter
def japanese(text):
    """Words the town wrote that have no translation (a comment, a note, a quote from the plan),
    marked lang="ja" on an English page so that a screen reader reads them in Japanese
    (a unit such as "%" or "t-CO2" is left as it is)."""
    if get_language() != "en" or not JAPANESE_CHARACTERS.search(str(text or "")):
        return text
    return format_html('<span lang="ja">{}</span>', text)


@register.filter
def item_link(item):
    """「3「マイナンバーカードの普及」」 as a link to the item."""
    reference = fill(_("%(code)s「%(title)s」"), code=item.code, title=tr(item, "title"))
    return format_html('<a href="{}">{}</a>', item.get_absolute_url(), reference)


@register.filter
def item_links(items):
    """item_link of each, joined by 「・」."""
    return mark_safe(conditional_escape(_("・")).join(item_link(item) for item in items))


@register.filter
def sort_query(comparison, key):
    """The query string a heading of the towns compared links to: its ``sort`` and the
    prefecture shown (reports.comparison.Comparison)."""
    return comparison.sort_query(key)


@register.filter
def page_query(comparison, number):
    """The query string of another page of the towns compared (its order and prefecture)."""
    return comparison.page_query(number)


@register.filter
def elided_pages(paginator, number):
    """The page numbers to link to around ``number``, with Paginator.ELLIPSIS between."""
    return paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)


@register.filter
def aria_sort(comparison, key):
    """ "ascending" / "descending" for the column the towns compared are sorted by, else None."""
    return comparison.aria_sort(key)
