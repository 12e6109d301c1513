"""The plan's own words in the reader's language: ``{{ area|tr:"name" }}``.

The translation of ``field`` for the active language (``<field>_en`` for
English, ``<field>_easy`` for やさしい日本語) where the record has one; otherwise
the Japanese, marked ``lang="ja"`` on a page that is not Japanese, so that a
screen reader reads it in a Japanese voice. ``tr_text`` gives the same words
without markup, for titles and attributes.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

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


@register.filter
def tr(record, field):
    text, language = translated(record, field)
    if language == "ja" and (get_language() or "ja") == "en":
        return format_html('<span lang="ja">{}</span>', text)
    return text


@register.filter
def tr_text(record, field):
    return translated(record, field)[0]
