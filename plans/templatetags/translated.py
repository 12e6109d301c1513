"""The plan's own words in the page's language: ``{% load translated %}``.

``{{ area|tr:"name" }}``
    The words for the active language (plans.translated). On an English page
    whose translation is missing, the Japanese inside ``<span lang="ja">…</span>``
    so a screen reader reads it with a Japanese voice. On a やさしい日本語 page
    the Japanese stands as it is (the page is Japanese), a term of READINGS in it
    given its reading (<ruby>). Composes with ``|phrases``: a translation gets its
    phrase breaks, a marked fallback passes through unchanged.
``{{ area|tr_text:"name" }}``
    The same words without markup, for attributes, ``<title>``, ``<option>``
    and aria labels (escaped by the template as usual).
``{{ area|tr_lang:"name" }}``
    The HTML ``lang`` of what tr_text gives ("en" or "ja"), for an element that
    cannot hold a span: ``<option lang="{{ area|tr_lang:'name' }}">``.
``{{ text|lang_ja }}``
    Japanese that stays Japanese whatever the page's language (a quote of the
    plan, a CSV column's name, what staff wrote): marked as tr marks a fallback.
``{{ plan|plan_title }}``, ``{{ plan|plan_title_text }}``
    「中井町DX推進計画（1.0版）」 in the page's language: the name through tr, the
    version in the catalogue's words.

``area`` may be a model instance, a values() dict or a row with attributes.
"""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext

from plans.translated import (
    EASY_JAPANESE,
    JAPANESE,
    active_language,
    is_japanese,
    translated,
)

register = template.Library()

# The plan's terms a やさしい日本語 page shows with their reading (<ruby>) where Japanese
# that has no やさしい日本語 version (the plan's own words, a quote) uses them.
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


def _as_japanese(text, language):
    """Japanese text on a page of ``language``: marked on an English page, given its
    readings on a やさしい日本語 page, as it is on a Japanese one."""
    if not is_japanese(language):
        return format_html('<span lang="ja">{}</span>', text)
    if language == EASY_JAPANESE and _TERMS.search(text):
        return with_readings(text)
    return text


@register.filter
def tr(obj, field):
    language = active_language()
    text, text_language = translated(obj, field, language)
    if text and text_language == JAPANESE:
        return _as_japanese(text, language)
    return text


@register.filter
def tr_text(obj, field):
    return translated(obj, field)[0]


@register.filter
def tr_lang(obj, field):
    language = translated(obj, field)[1]
    return JAPANESE if is_japanese(language) else language


@register.filter
def lang_ja(text):
    if not text:
        return text
    language = active_language()
    if isinstance(text, SafeData):  # markup already (|phrases, |join): marked, never re-escaped
        return text if is_japanese(language) else format_html('<span lang="ja">{}</span>', text)
    return _as_japanese(str(text), language)


@register.filter
def plan_title(plan):
    return format_html(_version_format(), name=tr(plan, "name"), version=plan.version)


@register.filter
def plan_title_text(plan):
    return _version_format().format(name=tr_text(plan, "name"), version=plan.version)


def _version_format():
    # Translators: a plan's name and its version, e.g. 「中井町DX推進計画（2.0版）」.
    return gettext("{name}（{version}版）")
