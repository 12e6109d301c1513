"""用語集: the plan's terms in plain words, in each language, with the rate's formula.

The formula and the notes follow the town's achievement rule (rule_for: whether
判定不可 stays in the denominator, the weight of 一部達成, how 再掲 counts), so the
page explains the figures the other pages show; the example is worked out by the
engine's own rounding.
"""

from fractions import Fraction

from django.shortcuts import render

from reports import cache
from reports.achievement import format_rate, rule_for

# The worked example: ten items, five achieved, two partly achieved, three not achieved.
EXAMPLE = {"total": 10, "achieved": 5, "partially_achieved": 2}


@cache.public_page
def glossary(request):
    rule = rule_for(request.town)
    example = dict(EXAMPLE)
    example["rate"] = format_rate(
        (example["achieved"] + example["partially_achieved"] * rule.partial_weight)
        / Fraction(example["total"])
    )
    return render(
        request,
        "reports/glossary.html",
        {
            "rule": rule,
            "partial_weight": f"{float(rule.partial_weight):g}",
            "partial_counts_whole": rule.partial_weight == 1,
            "example": example,
        },
    )
