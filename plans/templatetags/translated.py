"""The plan's own words in the page's language: ``{% load translated %}``.

``{{ area|tr:"name" }}``
    The words for the active language (plans.translated). On an English page
    whose translation is missing, the Japanese inside ``<span lang="ja">…</span>``
    so a screen reader reads it with a Japanese voice. On a やさしい日本語 page
    the Japanese stands as it is (the page is Japanese). Composes with
    ``|phrases``: a translation gets its phrase breaks, a marked fallback passes
    through unchanged.
``{{ area|tr_text:"name" }}``
    The same words without markup, for attributes, ``<title>``, ``<option>``
    and aria labels (escaped by the template as usual).
``{{ area|tr_lang:"name" }}``
    The HTML ``lang`` of what tr_text gives ("en" or "ja"), for an element that
    cannot hold a span: ``<option lang="{{ area|tr_lang:'name' }}">``.

``area`` may be a model instance, a values() dict or a row with attributes.
"""

from django import template
from django.utils.html import format_html

from plans.translated import JAPANESE, active_language, is_japanese, translated

register = template.Library()


@register.filter
def tr(obj, field):
    language = active_language()
    text, text_language = translated(obj, field, language)
    if text and text_language == JAPANESE and not is_japanese(language):
        return format_html('<span lang="ja">{}</span>', text)
    return text


@register.filter
def tr_text(obj, field):
    return translated(obj, field)[0]


@register.filter
def tr_lang(obj, field):
    language = translated(obj, field)[1]
    return JAPANESE if is_japanese(language) else language
