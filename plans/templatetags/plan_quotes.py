"""Where a page quotes the plan document, the area's name as the plan printed it there.

The product names an area by its corrected name (デジタルデバイド対策); the plan
printed it other ways too, kept as the area's aliases (the fixture's 別表記).
``{{ area|printed_spelling:"3-2" }}`` adds 「計画書の表記：…」 beside a cell that
quotes the given place of the plan, so the quote stays true to the document.

Which spelling stands at which place is not in the data (an alias has no place),
so PRINTED_AT names them: an alias the place does not list is not shown there
(table 3-2 printed セキュリティ対策の徹底 correctly; its 強化 is in the boxes below).
"""

import unicodedata

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from plans.templatetags.translated import lang_ja

register = template.Library()


def _script_note(spelling):
    """「（キリル文字を含む）」 for a spelling that looks the same but is not."""
    if any("CYRILLIC" in unicodedata.name(char, "") for char in spelling):
        return gettext("（キリル文字を含む）")
    return ""


# The spellings the town's plan review (2.0版, 令和8年4月) printed at each place it is quoted.
PRINTED_AT = {
    # 1. 中間見直しの概要: 重点施策体系 (No., 区分, 主な取組, 国計画との整合) and 総合計画との連動
    "review": {"デジタルデバインド対策"},
    # 3-2 取組の達成状況 (the table of counts and rates)
    "3-2": {"デジタルデバйд対策"},
}


def printed_spellings(area, place):
    """The area's aliases printed at ``place``, in the order the data keeps them."""
    if area is None:
        return []
    printed = PRINTED_AT.get(place, set())
    return [alias for alias in area.alias_list if alias in printed and alias != area.name]


@register.filter
def printed_spelling(area, place):
    spellings = printed_spellings(area, place)
    if not spellings:
        return ""
    # Translators: a spelling the plan printed, quoted, and a note on its letters.
    quoted = gettext("「{}」{}")
    listed = format_html_join(
        gettext("／"),
        quoted,
        ((lang_ja(spelling), _script_note(spelling)) for spelling in spellings),
    )
    return format_html(
        '<span class="printed-as">{}</span>',
        format_html(gettext("（計画書の表記：{}）"), listed),
    )


# What the plan printed under a table it published figures in, by the table's source.
CAVEATS = {
    "3-2 取組の達成状況": (
        "アクションプランに位置付けた30個の取組について、計画期間内における目標に対して"
        "現在の達成度を目安として表したものです。"
    ),
}


@register.filter
def printed_caveat(source):
    """The plan's own note under the table ``source`` names (e.g. table 3-2), or ""."""
    return next((text for table, text in CAVEATS.items() if table in (source or "")), "")
