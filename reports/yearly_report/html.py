"""The report as one HTML file (for the command): the page's body with its styles inlined.

The page itself (reports.report_views) renders the same body inside the site's frame.
"""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def _styles():
    css = []
    for name in ("css/site.css", "css/year-report.css"):
        path = finders.find(name)
        if path:
            with open(path, encoding="utf-8") as file:
                css.append(file.read())
    return "\n".join(css)


def render_html(content):
    return render_to_string(
        "reports/year_report_file.html", {"report": content, "styles": _styles()}
    ).encode("utf-8")
