"""``{{ text|phrases }}``: Japanese text that wraps only between phrases.

BudouX (the same parser that breaks the charts' labels) splits the text into
phrases; the filter joins them with <wbr> inside a span whose CSS (.phrases in
site.css) forbids breaks inside a word, so a narrow column shows 「達成状況」 or
「行政事務の / 効率化」, never 「達成状 / 況」.
"""

import functools
import re

import budoux
from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData, mark_safe

register = template.Library()


@functools.cache
def _parser():
    return budoux.load_default_japanese_parser()


def phrase_list(text):
    """BudouX's phrases, a lone last character kept with the phrase before it
    (BudouX splits 「基本方針」 as 「基本方」「針」), and a break allowed after each ・."""
    parts = _parser().parse(text) or [text]
    if len(parts) > 1 and len(parts[-1]) == 1:
        parts[-2:] = [parts[-2] + parts[-1]]
    # 「基本理念・基本方針」: a list joined by ・ may break after each ・.
    return [piece for part in parts for piece in re.split(r"(?<=・)(?=..)", part) if piece]


@register.filter
def phrases(text):
    if isinstance(text, SafeData) and "<" in text:
        return text  # markup already: left as it is
    text = "" if text is None else str(text)
    parts = phrase_list(text)
    if len(parts) < 2:
        return format_html('<span class="phrases">{}</span>', text)
    joined = format_html_join(mark_safe("<wbr>"), "{}", ((part,) for part in parts))
    return format_html('<span class="phrases">{}</span>', joined)
