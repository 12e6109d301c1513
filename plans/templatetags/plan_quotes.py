"""Where a page quotes the plan document, the area's name as the plan printed it there.

The product names an area by its corrected name (デジタルデバイド対策); where the
plan printed it another way, the data keeps that spelling with the place it
stands: PriorityArea.printed_name (the plan's own table of areas) and
PublishedFigure.printed_area_name (a table of figures it published).
``{{ area.printed_name|printed_spelling:area.name }}`` adds 「計画書の表記：…」
beside a cell that quotes that place, so the quote stays true to the document.
The printed spelling is the document's Japanese: on an English page it is marked so.
"""

import unicodedata

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


def _script_note(spelling):
    """「（キリル文字を含む）」 for a spelling that looks the same but is not."""
    if any("CYRILLIC" in unicodedata.name(char, "") for char in spelling):
        return _("（キリル文字を含む）")
    return ""


def _fill(template, **values):
    return mark_safe(
        conditional_escape(template) % {k: conditional_escape(v) for k, v in values.items()}
    )


@register.filter
def printed_spelling(spelling, name):
    """「（計画書の表記：「…」）」 when the plan printed ``name`` as ``spelling``; else ""."""
    if not spelling or spelling == name:
        return ""
    note = _script_note(spelling)
    if get_language() == "en":
        spelling = format_html('<span lang="ja">{}</span>', spelling)
    quoted = _fill(_("「%(spelling)s」%(note)s"), spelling=spelling, note=note)
    return format_html(
        '<span class="printed-as">{}</span>',
        _fill(_("（計画書の表記：%(spellings)s）"), spellings=quoted),
    )
