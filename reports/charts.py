"""Plotly figures as plain dicts, embedded in the page with json_script.

Rates are the engine's rounded percentages (the same digits as the tables);
every text goes through escape() because plotly renders a subset of HTML in
its labels. Patterns as well as colours tell the statuses apart. Area names
break between phrases (BudouX), never inside a word; in English, between words.
Every word is in the page's language, the plan's names in their translation
where the plan has one (plans.templatetags.translated).
"""

import functools
import math
import unicodedata

import budoux
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actions.models import NOT_EVALUATED_LABEL, Status
from plans import wareki
from plans.templatetags.translated import translated

FONT = (
    '"Hiragino Sans", "Hiragino Kaku Gothic ProN", "Noto Sans JP", "Noto Sans CJK JP", '
    '"BIZ UDPGothic", "Yu Gothic UI", Meiryo, sans-serif'
)
TEXT = "#1a1a1a"
PRIMARY = "#0031d8"
SECONDARY = "#1d6b3a"
STATUS_STYLE = {
    # value: (colour, pattern)
    Status.ACHIEVED: ("#1d6b3a", ""),
    Status.PARTIALLY_ACHIEVED: ("#8a5a00", "/"),
    Status.NOT_ACHIEVED: ("#b3261e", "x"),
    Status.UNDETERMINABLE: ("#4d4d4d", "."),
    "": ("#8c8c8c", "-"),
}


def _layout(height, **extra):
    layout = {
        "font": {"family": FONT, "size": 14, "color": TEXT},
        "height": height,
        "margin": {"l": 8, "r": 24, "t": 16, "b": 48},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hoverlabel": {"font": {"family": FONT}},
        "separators": ".,",
    }
    layout.update(extra)
    return layout


def _rate(value):
    return None if value is None else float(value)


def no_rating_label():
    """Where an area or a year has no rated item: no bar, no 0 %."""
    return _("評価なし")


# Written out: plotly drops ticksuffix when tickvals are given.
PERCENT_TICKS = {"tickvals": [0, 25, 50, 75, 100], "ticktext": ["0%", "25%", "50%", "75%", "100%"]}
LABEL_WIDTH = 20  # full-width characters: a name's line fits above a bar on a 375 px phone
AREA_SLOT = 76  # px per area: its name above, its bar below
AREA_BARGAP = 0.45


@functools.cache
def _phrase_parser():
    return budoux.load_default_japanese_parser()


def _text_width(text):
    """Full-width characters count 1, half-width ones 1/2."""
    return sum(1 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in text)


def _wrap(text, width=LABEL_WIDTH):
    """Lines of at most ``width`` made of whole phrases (BudouX) or, in a language written
    with spaces, whole words, so no word is cut; a phrase longer than ``width`` keeps a
    line of its own."""
    if text.isascii():
        phrases, joint = text.split(" "), " "
    else:
        phrases, joint = _phrase_parser().parse(text) or [text], ""
    lines = []
    for phrase in phrases:
        if lines and _text_width(lines[-1] + joint + phrase) <= width:
            lines[-1] += joint + phrase
        else:
            lines.append(phrase)
    return lines


def _area_name(area):
    """「1. 町民サービスの向上」, the name in the page's language where the plan has it."""
    return f"{area.number}. {translated(area, 'name')[0]}"


def _area_categories(results):
    """The bars' categories: 「1. 町民サービスの向上」 (escaped), named in hover texts."""
    return [escape(_area_name(result.area)) for result in results]


def _area_names(results):
    """Each area's name written above its bar, from the plot's left edge.

    The names take no room beside the bars, so on a phone the bars keep the whole
    width. Anchored in axis units (a category is 1 wide) just above the bar's top edge.
    """
    return [
        {
            "xref": "paper",
            "x": 0,
            "xanchor": "left",
            "xshift": 4,  # clear of the axis line
            "yref": "y",
            "y": index - (1 - AREA_BARGAP) / 2,
            "yanchor": "bottom",
            "text": "<br>".join(escape(line) for line in _wrap(_area_name(result.area))),
            "align": "left",
            "showarrow": False,
            "font": {"size": 14, "color": TEXT},
        }
        for index, result in enumerate(results)
    ]


def _area_axis(count):
    return {
        "autorange": False,
        "range": [count - 0.5, -0.5],  # the first area on top
        "showticklabels": False,
        "fixedrange": True,
    }


def area_rates(achievement):
    """Horizontal bars: 達成度 of each area; an area with no rated item says 「評価なし」
    instead of showing an empty bar that would read as 0 %."""
    results = achievement.areas
    rates = [_rate(result.rate_percent) for result in results]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": _("達成度"),
                "y": _area_categories(results),
                "x": [0 if rate is None else rate for rate in rates],
                "text": [
                    no_rating_label() if rate is None else _rate_text(result)
                    for rate, result in zip(rates, results, strict=True)
                ],
                "textposition": "outside",
                "cliponaxis": False,
                "marker": {
                    "color": PRIMARY,
                    # A rate resting on some items only: hatched, and 「（暫定）」 by its value.
                    "pattern": {
                        "shape": ["/" if r.counts.is_provisional else "" for r in results],
                        "fillmode": "overlay",
                        "fgcolor": "#ffffff",
                        "fgopacity": 0.6,
                    },
                },
                "hovertemplate": "%{y}: %{text}<extra></extra>",
            }
        ],
        "layout": _layout(
            64 + AREA_SLOT * len(results),
            xaxis={
                "range": [0, 122],
                **PERCENT_TICKS,
                "fixedrange": True,
                "gridcolor": "#d9d9d9",
                "title": {"text": _("達成度（%）")},
            },
            yaxis=_area_axis(len(results)),
            annotations=_area_names(results),
            bargap=AREA_BARGAP,
            showlegend=False,
            margin={"l": 20, "r": 24, "t": 16, "b": 48},
        ),
    }


STATUS_COLUMNS = (
    (Status.ACHIEVED, "achieved"),
    (Status.PARTIALLY_ACHIEVED, "partially_achieved"),
    (Status.NOT_ACHIEVED, "not_achieved"),
    (Status.UNDETERMINABLE, "undeterminable"),
    ("", "not_evaluated"),
)


def _status_label(value):
    return str(Status(value).label if value else NOT_EVALUATED_LABEL)


def _hover(template, **values):
    """A hover text from a translated template whose %(name)s are filled with plotly's
    %{…} fields or escaped words."""
    return f"{template % values}<extra></extra>"


def status_counts(achievement):
    """Stacked horizontal bars: the number of items in each status, per area.

    The counts are annotations on a white ground, readable on any fill or pattern.
    """
    labels = _area_categories(achievement.areas)
    data, annotations = [], _area_names(achievement.areas)
    left = [0] * len(labels)
    for value, attribute in STATUS_COLUMNS:
        counts = [getattr(result.counts, attribute) for result in achievement.areas]
        if value == "" and not any(counts):
            continue
        colour, pattern = STATUS_STYLE[value]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": _status_label(value),
                "y": labels,
                "x": counts,
                "textposition": "none",
                "marker": {
                    "color": colour,
                    "line": {"color": "#ffffff", "width": 1},
                    "pattern": {
                        "shape": pattern,
                        "fillmode": "overlay",
                        "fgcolor": "#ffffff",
                        "fgopacity": 0.45,
                    },
                },
                "hovertemplate": _hover(
                    _("%(area)s %(status)s: %(count)s件"),
                    area="%{y}",
                    status=escape(_status_label(value)),
                    count="%{x}",
                ),
            }
        )
        for index, count in enumerate(counts):
            if count:
                annotations.append(_count_label(labels[index], left[index] + count / 2, count))
            left[index] += count
    return {
        "data": data,
        "layout": _layout(
            104 + AREA_SLOT * len(labels),
            barmode="stack",
            bargap=AREA_BARGAP,
            xaxis=_count_axis(_max_total(achievement)),
            yaxis=_area_axis(len(labels)),
            legend={
                "orientation": "h",
                "x": 0,
                "y": 1.02,
                "yanchor": "bottom",
                "traceorder": "normal",
            },
            annotations=annotations,
            margin={"l": 20, "r": 24, "t": 48, "b": 56},
        ),
    }


def _count_label(label, x, count):
    return {
        "x": x,
        "y": label,
        "text": str(count),
        "showarrow": False,
        "font": {"color": TEXT, "size": 13},
        "bgcolor": "#ffffff",
        "bordercolor": TEXT,
        "borderwidth": 1,
        "borderpad": 1,
    }


def _count_axis(largest):
    """An axis of item counts: whole numbers only (plotly would tick 0.2 … 0.8 for a
    largest count of 1, or -1 … 1 when every count is 0)."""
    return {
        "fixedrange": True,
        "gridcolor": "#d9d9d9",
        "title": {"text": _("取組数（件）")},
        "rangemode": "tozero",
        "tick0": 0,
        "dtick": max(1, math.ceil(largest / 6)),
        "tickformat": "d",
        **({} if largest else {"range": [0, 1]}),
    }


def _max_total(achievement):
    return max((result.counts.total for result in achievement.areas), default=0)


def _rate_text(result):
    """「87.5%」, or 「87.5%（暫定）」 for a rate resting on some of the area's items only."""
    if result.counts.is_provisional:
        return _("%(rate)s（暫定）") % {"rate": result.rate_display}
    return result.rate_display


def _trend_label(achievement, draft_years):
    """「令和8年度<br>（未公表）<br>（暫定 3／11）」: a year resting on some items says so."""
    lines = [escape(wareki.fiscal_year_label(achievement.fiscal_year, with_western=False))]
    if achievement.fiscal_year in draft_years:
        lines.append(escape(_("（未公表）")))
    if achievement.is_provisional:
        overall = achievement.overall
        lines.append(
            escape(
                _("（暫定 %(evaluated)s／%(total)s）")
                % {"evaluated": overall.evaluated, "total": overall.total}
            )
        )
    return "<br>".join(lines)


def year_trend(achievements, draft_years=()):
    """Lines: the pooled rate and the mean of the area rates, year by year.

    Each year's higher value is labelled above its point and the lower one below, so
    the two labels never overlap; unpublished (draft) years are marked on the axis
    and drawn with open markers; so are provisional years (some items unrated), whose
    label gives how many items the rate rests on, so a 1-of-11 rate never reads as final.
    """
    labels = [_trend_label(a, draft_years) for a in achievements]
    pooled = [a.pooled_rate_percent for a in achievements]
    mean = [a.mean_of_area_rates_percent for a in achievements]
    pooled_on_top = [
        m is None or (p is not None and p >= m) for p, m in zip(pooled, mean, strict=True)
    ]
    series = (
        (_("全体の達成度（合算）"), pooled, pooled_on_top, PRIMARY, "solid", "circle"),
        (
            _("区分別達成度の平均"),
            mean,
            [not top for top in pooled_on_top],
            SECONDARY,
            "dash",
            "square",
        ),
    )
    drafts = [a.fiscal_year in draft_years or a.is_provisional for a in achievements]
    provisional = [a.is_provisional for a in achievements]
    data = []
    for name, values, on_top, colour, dash, symbol in series:
        trace = {
            "type": "scatter",
            "mode": "lines+markers+text",
            "name": name,
            "x": labels,
            "y": [_rate(v) for v in values],
            "text": [(no_rating_label() if v is None else f"{v}%") for v in values],
            "textposition": ["top center" if top else "bottom center" for top in on_top],
            "cliponaxis": False,
            "line": {"color": colour, "dash": dash, "width": 3},
            "marker": {
                "symbol": [f"{symbol}-open" if draft else symbol for draft in drafts],
                "size": 10,
                "color": colour,
                "line": {"color": colour, "width": 2},
            },
            "hovertemplate": _hover(
                "%(year)s %(series)s: %(value)s", year="%{x}", series=escape(name), value="%{text}"
            ),
        }
        if any(provisional):
            # A provisional year (some items unrated) is a point of its own, never joined
            # to the final years: a 2-of-11 rate must not read as a fall from 72.7% to 50.0%.
            apart = {
                **trace,
                "mode": "markers+text",
                "name": _("%(series)s（暫定）") % {"series": name},
                "y": [y if p else None for y, p in zip(trace["y"], provisional, strict=True)],
                "text": [t if p else "" for t, p in zip(trace["text"], provisional, strict=True)],
            }
            trace["y"] = [None if p else y for y, p in zip(trace["y"], provisional, strict=True)]
            trace["text"] = [
                "" if p else t for t, p in zip(trace["text"], provisional, strict=True)
            ]
            trace["connectgaps"] = True  # the final years stay joined past a provisional one
            data += [trace, apart]
        else:
            data.append(trace)
    return {
        "data": data,
        "layout": _layout(
            360,
            yaxis={
                "range": [-12, 114],
                **PERCENT_TICKS,
                "fixedrange": True,
                "gridcolor": "#d9d9d9",
                "zeroline": True,
                "zerolinecolor": "#8c8c8c",
            },
            # Half a category of room at each end keeps the end labels off the axes.
            xaxis={"type": "category", "fixedrange": True, "range": [-0.5, len(labels) - 0.5]},
            legend={"orientation": "h", "x": 0, "y": -0.25},
            margin={"l": 48, "r": 24, "t": 24, "b": 88},
        ),
    }


def area_status_counts(result):
    """Bars: the number of the area's items in each status."""
    rows = [(value, getattr(result.counts, attribute)) for value, attribute in STATUS_COLUMNS]
    return {
        "data": [
            {
                "type": "bar",
                "x": [escape(_status_label(value)) for value, _count in rows],
                "y": [count for _status, count in rows],
                "text": [_item_count(count) for _status, count in rows],
                "textposition": "outside",
                "cliponaxis": False,
                "marker": {
                    "color": [STATUS_STYLE[value][0] for value, _count in rows],
                    "pattern": {
                        "shape": [STATUS_STYLE[value][1] for value, _count in rows],
                        "fillmode": "overlay",
                        "fgcolor": "#ffffff",
                        "fgopacity": 0.45,
                    },
                },
                "hovertemplate": _hover(_("%(status)s: %(count)s件"), status="%{x}", count="%{y}"),
            }
        ],
        "layout": _layout(
            300,
            yaxis=_count_axis(max((count for _status, count in rows), default=0)),
            xaxis={"fixedrange": True, "type": "category"},
            showlegend=False,
            margin={"l": 56, "r": 24, "t": 32, "b": 48},
        ),
    }


def kpi_chart(kpi, actuals):
    """Bars of the actual values by year, with the baseline and the target as lines."""
    labels = [escape(wareki.fiscal_year_label(a.fiscal_year, with_western=False)) for a in actuals]
    unit = escape(kpi.unit)
    data = [
        {
            "type": "bar",
            "name": _("実績値"),
            "x": labels,
            "y": [float(a.value) for a in actuals],
            "text": [f"{_number(a.value)}{unit}" for a in actuals],
            "textposition": "outside",
            "cliponaxis": False,
            "marker": {"color": PRIMARY},
            "hovertemplate": _hover(_("%(year)s 実績値: %(value)s"), year="%{x}", value="%{text}"),
        }
    ]
    shapes = []
    for name, value, colour, dash in (
        (_("基準値"), kpi.baseline_value, "#4d4d4d", "dot"),
        (_("目標値"), kpi.target_value, SECONDARY, "dash"),
    ):
        if value is None:
            continue
        # A line across the whole plot (a scatter line needs two years to show).
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": float(value),
                "y1": float(value),
                "line": {"color": colour, "dash": dash, "width": 3},
                "showlegend": True,
                "name": f"{name} {_number(value)}{unit}",
            }
        )
    return {
        "data": data,
        "layout": _layout(
            300,
            yaxis={
                "fixedrange": True,
                "rangemode": "tozero",
                "gridcolor": "#d9d9d9",
                "title": {"text": unit},
            },
            xaxis={"fixedrange": True, "type": "category"},
            legend={"orientation": "h", "x": 0, "y": -0.2},
            margin={"l": 56, "r": 24, "t": 32, "b": 72},
            shapes=shapes,
            bargap=0.7 if len(labels) <= 2 else 0.3,
            showlegend=True,
        ),
    }


def _number(value):
    """A Decimal without trailing zeros: 74.000 -> 74, 22.100 -> 22.1."""
    return format(value.normalize(), "f")


def _item_count(count):
    """「3件」 ("3 items")."""
    return ngettext("%(count)s件", "%(count)s件", count) % {"count": count}
