"""The plan's own words in the reader's language: ``{{ area|tr:"name" }}``.

The translation of ``field`` for the active language (``<field>_en`` for
English, ``<field>_easy`` for やさしい日本語) where the record has one; otherwise
the Japanese, marked ``lang="ja"`` on a page that is not Japanese, so that a
screen reader reads it in a Japanese voice. ``tr_text`` gives the same words
without markup, for titles and attributes.
"""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()

SUFFIXES = {"en": "_en", "ja-easy": "_easy"}


def _value(record, name):
    if isinstance(record, dict):
        return record.get(name) or ""
    return getattr(record, name, "") or ""


def translated(record, field):
    """(text, language of the text) of ``record.field`` for the active language."""
    language = get_language() or "ja"
    suffix = SUFFIXES.get(language)
    if suffix:
        text = _value(record, field + suffix)
        if text:
            return text, language
    return _value(record, field), "ja"


# The plan's terms a やさしい日本語 page shows with their reading (<ruby>) where the plan's
# own words, not yet put into やさしい日本語, use them.
READINGS = {"判定不可": "はんていふか", "再掲": "さいけい", "達成度": "たっせいど"}
_TERMS = re.compile("|".join(map(re.escape, READINGS)))


def with_readings(text):
    """Japanese text with each term of READINGS in <ruby> with its reading."""
    parts, start = [], 0
    for match in _TERMS.finditer(text):
        parts.append(escape(text[start : match.start()]))
        parts.append(
            format_html("<ruby>{}<rt>{}</rt></ruby>", match.group(), READINGS[match.group()])
        )
        start = match.end()
    parts.append(escape(text[start:]))
    return mark_safe("".join(parts))


@register.filter
def tr(record, field):
    text, language = translated(record, field)
    if language == "ja" and (get_language() or "ja") == "en":
        return format_html('<span lang="ja">{}</span>', text)
    if language == "ja" and get_language() == "ja-easy" and _TERMS.search(text):
        return with_readings(text)
    return text


@register.filter
def tr_text(record, field):
    return translated(record, field)[0]


@register.filter
def lang_ja(text):
    """Japanese that stays Japanese (a quote of the plan, a spelling it printed, a CSV
    column's name): marked ``lang="ja"`` on an English page, as it is elsewhere, and with
    the readings of READINGS on a やさしい日本語 page."""
    if (get_language() or "ja") == "en" and text not in (None, ""):
        return format_html('<span lang="ja">{}</span>', text)
    plain = not isinstance(text, SafeData) and isinstance(text, str)
    if get_language() == "ja-easy" and plain and _TERMS.search(text):
        return with_readings(text)
    return text


@register.filter
def plan_title(plan):
    """「中井町DX推進計画（1.0版）」 in the reader's language, the plan's name marked as tr marks it."""
    return format_html(
        _version_format(), name=tr(plan, "name"), version=getattr(plan, "version", "")
    )


@register.filter
def plan_title_text(plan):
    """The same without markup, for titles and attributes."""
    return _version_format().format(name=tr_text(plan, "name"), version=plan.version)


def _version_format():
    # Translators: a plan's name and its version, e.g. 「中井町DX推進計画（2.0版）」.
    return gettext("{name}（{version}版）")
