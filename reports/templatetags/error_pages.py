"""The 404 page's message: the one the view wrote for the reader, in the page's language."""

import re

from django import template
from django.utils.translation import get_language

register = template.Library()

JAPANESE = re.compile(r"[\u3040-\u9fff\uff00-\uffef]")


@register.filter
def reader_message(exception):
    """The message of an Http404 this site raised, where it is in the page's language.

    The site's messages are written in Japanese and translated where the view raises
    them (gettext). Django's own are English sentences or a bare class name
    (Resolver404): dropped on a Japanese page. On an English page a message still in
    Japanese (quoting a name the reader would not read) is dropped as well; the page
    says what it always says.
    """
    text = str(exception or "")
    if (get_language() or "ja") == "en":
        return text if " " in text and not JAPANESE.search(text) else ""
    return text if JAPANESE.search(text) else ""
