"""Where a page quotes the plan document, the area's name as the plan printed it there.

The product names an area by its corrected name (デジタルデバイド対策); where the
plan printed it another way, the data keeps that spelling with the place it
stands: PriorityArea.printed_name (the plan's own table of areas) and
PublishedFigure.printed_area_name (a table of figures it published).
``{{ area.printed_name|printed_spelling:area.name }}`` adds 「計画書の表記：…」
beside a cell that quotes that place, so the quote stays true to the document.
"""

import unicodedata

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from plans.templatetags.translated import lang_ja

register = template.Library()


def _script_note(spelling):
    """「（キリル文字を含む）」 for a spelling that looks the same but is not."""
    if any("CYRILLIC" in unicodedata.name(char, "") for char in spelling):
        return gettext("（キリル文字を含む）")
    return ""


@register.filter
def printed_spelling(spelling, name):
    """「（計画書の表記：「…」）」 when the plan printed ``name`` as ``spelling``; else ""."""
    if not spelling or spelling == name:
        return ""
    # Translators: the spelling the plan printed, quoted, and a note on its letters.
    printed = format_html(
        gettext("（計画書の表記：「{spelling}」{note}）"),
        spelling=lang_ja(spelling),
        note=_script_note(spelling),
    )
    return format_html('<span class="printed-as">{}</span>', printed)
