"""The plan's names as plain text in the page's language, where markup cannot go.

A page marks a Japanese name it has no translation for with ``lang="ja"``
(``{{ area|tr:"name" }}``). A ``<title>``, an attribute or a table's caption
(which also names its scrolling region) cannot hold that mark, so on an English
page they name the thing by its number instead: "Priority area 2", "Action
item 1" (the page's heading shows the Japanese name, marked). Japanese and
やさしい日本語 pages always have a name to show.
"""

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from plans.templatetags.translated import translated


def known(record, field):
    """The words of ``record.field`` for the page, or "" on an English page without them."""
    text, language = translated(record, field)
    if get_language() == "en" and language != "en":
        return ""
    return text


def area_name(area):
    return known(area, "name") or _("重点施策区分 %(number)s") % {"number": area.number}


def item_name(item):
    return known(item, "title") or _("取組 %(code)s") % {"code": item.code}


def plan_title(plan):
    """「中井町DX推進計画（1.0版）」; "DX Plan (version 1.0)" without an English name."""
    return _("%(name)s（%(version)s版）") % {
        "name": known(plan, "name") or _("DX推進計画"),
        "version": plan.version,
    }
