"""Coverage of a rate: how many items it rests on, and 「暫定」 while some are unrated."""

from django import template
from django.utils.html import format_html

register = template.Library()

PROVISIONAL_LABEL = "暫定"


@register.filter
def coverage(counts):
    """The engine's Counts as 「3／11」: rated items of all items."""
    return f"{counts.evaluated}／{counts.total}"


@register.simple_tag
def provisional_mark(counts):
    """「暫定」 after a rate that rests on some of the items only (written, not a colour)."""
    if not counts.is_provisional:
        return ""
    return format_html(' <span class="tag tag--provisional">{}</span>', PROVISIONAL_LABEL)
