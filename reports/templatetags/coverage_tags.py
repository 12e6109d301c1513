"""Coverage of a rate: how many items it rests on, and 「暫定」 while some are unrated."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()

PROVISIONAL_LABEL = gettext_lazy("暫定")


@register.filter
def coverage(counts):
    """The engine's Counts as 「3／11」 ("3 of 11"): rated items of all items."""
    return _("%(evaluated)s／%(total)s") % {"evaluated": counts.evaluated, "total": counts.total}


@register.simple_tag
def provisional_mark(counts):
    """「暫定」 after a rate that rests on some of the items only (written, not a colour)."""
    if not counts.is_provisional:
        return ""
    return format_html(' <span class="tag tag--provisional">{}</span>', PROVISIONAL_LABEL)
