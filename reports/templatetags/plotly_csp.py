"""Lets plotly.js draw under the site's Content-Security-Policy.

plotly's full bundle has maplibre (for map charts, unused here), whose stylesheet
is injected as an inline <style> when the script loads, unless an element with
the stylesheet's id is already in the page. The policy allows no inline style,
so the page carries an empty placeholder with that id. The id is read from the
bundle the site serves (once per process), so a plotly upgrade keeps working;
the basic bundle (static/vendor/plotly) injects none.
"""

import functools
import re
from pathlib import Path

from django import template
from django.contrib.staticfiles import finders
from django.utils.html import format_html_join

register = template.Library()

# (function(){if(!document.getElementById("<id>")){var e=document.createElement("style");
_INJECTED_STYLE = re.compile(
    rb'if\(!document\.getElementById\("([0-9a-f]{16,128})"\)\)\{var \w+=document\.createElement\("style"\)'
)


def plotly_bundle():
    return Path(finders.find("vendor/plotly/plotly-basic.min.js"))


@functools.cache
def injected_style_ids():
    """Ids of the stylesheets the plotly bundle injects when none is in the page yet."""
    return tuple(match.decode() for match in _INJECTED_STYLE.findall(plotly_bundle().read_bytes()))


@register.simple_tag
def plotly_style_placeholders():
    return format_html_join(
        "", '<span hidden id="{}"></span>', ((i,) for i in injected_style_ids())
    )
