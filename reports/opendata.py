"""Open data: the achievement figures of published years as JSON and long-format CSV.

Only published evaluation years are served, whoever asks. The JSON document is
the one ``manage.py achievement --format json`` prints; the CSV has one row per
plan × fiscal year × area, 西暦 year plus a 和暦 label, UTF-8 with BOM by default
or Shift_JIS (cp932) with ``?encoding=sjis``.
"""

import csv
import io
import json

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from actions.models import EvaluationYear
from plans import wareki
from reports import cache
from reports.exporting import content_disposition, safe_cell
from reports.queries import get_plan, parse_year_param

LICENCE = "CC BY 4.0"
# Translators: the licence deed in the reader's language (deed.en for English).
LICENCE_URL = gettext_lazy("https://creativecommons.org/licenses/by/4.0/deed.ja")

# (the column's name, as the CSV's header row has it; what it holds, as the pages explain it)
CSV_COLUMNS = (
    ("計画ID", gettext_lazy("計画の識別子（例: nakai-dx-1.0）")),
    ("計画名", gettext_lazy("計画の名称と版")),
    ("年度", gettext_lazy("評価年度（西暦。4月始まりの年度の開始年）")),
    ("年度（和暦）", gettext_lazy("評価年度の和暦表記（例: 令和7年度）")),
    ("区分番号", gettext_lazy("重点施策区分の番号")),
    ("重点施策区分", gettext_lazy("重点施策区分の名称")),
    ("取組数", gettext_lazy("区分に掲載された取組の数（再掲を含む）")),
    ("達成", gettext_lazy("達成の取組数")),
    ("一部達成", gettext_lazy("一部達成の取組数")),
    ("未達成", gettext_lazy("未達成の取組数")),
    ("判定不可", gettext_lazy("判定不可の取組数")),
    ("未評価", gettext_lazy("達成状況が未登録の取組数（達成度の分母に含めません）")),
    (
        "評価済み",
        gettext_lazy(
            "達成状況が登録された取組の数（達成度の分母。取組数より少なければ達成度は暫定）"
        ),
    ),
    ("達成度", gettext_lazy("達成度（%、小数第1位まで四捨五入。評価済みの取組がない場合は空欄）")),
    (
        "暫定",
        gettext_lazy(
            "未評価の取組が残るまま計算した達成度なら 1、すべて評価済みなら 0（達成度が空欄なら空欄）"
        ),
    ),
)

ENCODINGS = {
    "": ("utf-8-sig", "utf-8"),
    "utf-8": ("utf-8-sig", "utf-8"),
    "utf8": ("utf-8-sig", "utf-8"),
    "sjis": ("cp932", "Shift_JIS"),
    "shift_jis": ("cp932", "Shift_JIS"),
    "cp932": ("cp932", "Shift_JIS"),
}


def published_years(town):
    return (
        EvaluationYear.objects.for_town(town)
        .published()
        .select_related("plan__town")
        .order_by("plan__published_on", "plan__slug", "fiscal_year")
    )


def point_to_the_api(response):
    """The downloads name the API and its schema (RFC 8631 service-desc / service-doc)."""
    response["Link"] = (
        f'<{reverse("api-1:openapi-json")}>; rel="service-desc"; type="application/json", '
        f'<{reverse("api-1:openapi-view")}>; rel="service-doc"; type="text/html"'
    )
    return response


def index_context(town):
    return {
        "datasets": list(published_years(town)),
        "csv_columns": CSV_COLUMNS,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "api_rate_limit": api_rate_label(settings.API_RATE_LIMIT),
    }


def api_rate_label(rate):
    """「120/min」 as 「1分に120回」 (the rate as the API's throttle reads it)."""
    count, _, period = rate.partition("/")
    unit = {"s": "s", "sec": "s", "m": "m", "min": "m", "h": "h", "hour": "h", "d": "d", "day": "d"}
    labels = {
        "s": gettext("1秒に{count}回"),
        "m": gettext("1分に{count}回"),
        "h": gettext("1時間に{count}回"),
        "d": gettext("1日に{count}回"),
    }
    label = labels.get(unit.get(period), gettext("{period}に{count}回"))
    return label.format(count=count, period=period)


def _not_published(plan, fiscal_year):
    year = wareki.fiscal_year_label(fiscal_year)
    if plan is None:
        return Http404(gettext("{year}の達成状況は公表されていません。").format(year=year))
    return Http404(
        gettext("{plan}の{year}の達成状況は公表されていません。").format(plan=plan, year=year)
    )


def _published_year(plan, fiscal_year):
    """The year's publication note ("" when every item was rated); 404 unless published."""
    notes = EvaluationYear.objects.published().filter(plan=plan, fiscal_year=fiscal_year)
    note = notes.values_list("publication_note", flat=True).first()
    if note is None:
        raise _not_published(plan, fiscal_year)
    return note


def with_publication_note(document, note):
    """The figures' document, with the 本部's reason when the year was published with unrated
    items (``publication_note``; absent when every item was rated)."""
    if note:
        document["publication_note"] = note
    return document


def achievement_json(request):
    slug, year_text = request.GET.get("plan"), request.GET.get("year")
    if not slug or not year_text:
        raise Http404(
            gettext(
                "計画（plan）と年度（year）を指定してください。例: ?plan=nakai-dx-1.0&year=2025"
            )
        )
    plan = get_plan(request.town, slug)
    fiscal_year = parse_year_param(year_text)
    note = _published_year(plan, fiscal_year)
    document = with_publication_note(cache.achievement(plan, fiscal_year).as_dict(), note)
    body = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition(
        f"achievement_{plan.slug}_{fiscal_year}.json", "inline"
    )
    return point_to_the_api(response)


def _csv_years(town, slug, year_text):
    years = published_years(town)
    plan = None
    if slug:
        plan = get_plan(town, slug)
        years = years.filter(plan=plan)
    if year_text:
        fiscal_year = parse_year_param(year_text)
        years = years.filter(fiscal_year=fiscal_year)
    years = list(years)
    if year_text and not years:
        raise _not_published(plan, fiscal_year)
    return years


def _achievements(years):
    """The engine's figures for each published (plan, year), in the order given, all at once."""
    years = list(years)
    found = cache.achievements_of_plans([(e.plan, e.fiscal_year) for e in years])
    return [found[(e.plan_id, e.fiscal_year)] for e in years]


def csv_rows(years):
    for achievement in _achievements(years):
        for result in achievement.areas:
            counts = result.counts
            yield [
                safe_cell(achievement.plan.slug),
                safe_cell(str(achievement.plan)),
                achievement.fiscal_year,
                achievement.fiscal_year_label,
                result.area.number,
                safe_cell(result.area.name),
                counts.total,
                counts.achieved,
                counts.partially_achieved,
                counts.not_achieved,
                counts.undeterminable,
                counts.not_evaluated,
                counts.evaluated,
                "" if result.rate_percent is None else str(result.rate_percent),
                "" if result.rate is None else int(counts.is_provisional),
            ]


def achievement_csv(request):
    encoding_param = request.GET.get("encoding", "").strip().lower()
    if encoding_param not in ENCODINGS:
        return HttpResponseBadRequest(
            "encoding には utf-8 または sjis を指定してください。",
            content_type="text/plain; charset=utf-8",
        )
    codec, charset = ENCODINGS[encoding_param]
    years = _csv_years(request.town, request.GET.get("plan"), request.GET.get("year"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _ in CSV_COLUMNS])
    writer.writerows(csv_rows(years))
    response = HttpResponse(
        buffer.getvalue().encode(codec, errors="replace"),
        content_type=f"text/csv; charset={charset}",
    )
    suffix = "_sjis" if codec == "cp932" else ""
    response["Content-Disposition"] = content_disposition(f"achievement{suffix}.csv")
    return point_to_the_api(response)
