"""Towns compared: each town's latest published year, side by side, and the deployment's open data.

Only published years, whoever asks; every figure is the engine's (reports.cache
over reports.achievement), the same the town's own dashboard shows.
"""

import csv
import io
from dataclasses import dataclass

from django.http import HttpResponse

from actions.models import EvaluationYear
from plans.models import Town
from reports import cache
from reports.exporting import content_disposition, safe_cell
from reports.opendata import CSV_COLUMNS, csv_rows

TOWN_COLUMNS = (
    ("全国地方公共団体コード", "団体の全国地方公共団体コード（6桁、6桁目は検査数字）"),
    ("団体名", "市区町村の名称"),
    ("都道府県", "都道府県の名称"),
)


@dataclass
class TownRow:
    town: object
    achievement: object  # the engine's figures of its latest published year, or None

    @property
    def host(self):
        hosts = list(self.town.hosts.all())
        return hosts[0].host if hosts else None


def _published(towns=None):
    years = EvaluationYear.objects.published().select_related("plan__town")
    if towns is not None:
        years = years.filter(plan__town__in=towns)
    return years.order_by("plan__town__code", "plan__published_on", "plan__slug", "fiscal_year")


def latest_rows():
    """One row per town: its newest published year's figures (None when none is published)."""
    newest = EvaluationYear.objects.latest_published_of_each_town().select_related("plan")
    latest = {evaluation.plan.town_id: evaluation for evaluation in newest}
    figures = cache.achievement_of_each([(e.plan, e.fiscal_year) for e in latest.values()])
    rows = []
    for town in Town.objects.prefetch_related("hosts"):
        evaluation = latest.get(town.pk)
        achievement = figures[evaluation.plan_id, evaluation.fiscal_year] if evaluation else None
        rows.append(TownRow(town, achievement))
    return rows


def csv_response():
    """Every town's published figures, long format: one row per town × plan × year × area."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _ in TOWN_COLUMNS + CSV_COLUMNS])
    by_town = {}
    for evaluation in _published():
        by_town.setdefault(evaluation.plan.town, []).append(evaluation)
    for town, years in by_town.items():
        prefix = [town.code, safe_cell(town.name), safe_cell(town.prefecture)]
        writer.writerows(prefix + row for row in csv_rows(years))
    response = HttpResponse(
        buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition("towns_achievement.csv")
    return response
