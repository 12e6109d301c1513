"""Towns compared: each town's latest published year, side by side, and the deployment's open data.

Only published years, whoever asks; every figure is the engine's (reports.cache
over reports.achievement, each town by its own rule), the same the town's own
dashboard shows. The rate per 重点取組事項 of the national plan goes through the
links of each town's areas (PriorityArea.national_items) and the engine's
by_national_item.

Reads are the same few queries for two towns or 1,741: the towns with their
host names, the published years, the figures of them all at once
(reports.cache.achievements_of_plans) and the areas' links to the national plan.
"""

import csv
import io
import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actions.models import EvaluationYear
from plans import wareki
from plans.models import PriorityArea, Town
from plans.towns import is_single_town
from reports import cache
from reports.achievement import by_national_item, rule_for
from reports.exporting import content_disposition, safe_cell

AREA_UNIT = "重点施策区分"
NATIONAL_UNIT = "国計画の重点取組事項"

# The deployment's open data, one row per town × plan × year × area or 重点取組事項: the
# header of the CSV and the keys of the JSON's records, in this order.
COLUMNS = (
    ("全国地方公共団体コード", _("団体の全国地方公共団体コード（6桁、6桁目は検査数字）")),
    ("団体名", _("市区町村の名称")),
    ("都道府県", _("都道府県の名称")),
    ("計画ID", _("団体の中での計画の識別子（例: nakai-dx-1.0）")),
    ("計画名", _("計画の名称と版")),
    ("年度", _("評価年度（西暦。4月始まりの年度の開始年）")),
    ("年度（和暦）", _("評価年度の和暦表記、西暦を添えて（例: 令和7年度（2025年度））")),
    (
        "集計単位",
        _(
            "「重点施策区分」は団体の区分ごとの値、「国計画の重点取組事項」は国の自治体DX推進計画の"
            "重点取組事項ごとに、その事項に対応付けた区分の取組を合算した値"
        ),
    ),
    ("区分番号", _("重点施策区分の番号（集計単位が重点施策区分の行）")),
    ("重点施策区分", _("重点施策区分の名称（集計単位が重点施策区分の行）")),
    (
        "国計画の重点取組事項",
        _(
            "国計画の重点取組事項の名称。集計単位が重点施策区分の行では、その区分が対応する"
            "事項（複数は「、」区切り）"
        ),
    ),
    (
        "国計画の版",
        _("重点取組事項が載る国の自治体DX推進計画の版（集計単位が国計画の重点取組事項の行）"),
    ),
    ("取組数", _("取組の数（再掲を含む）")),
    ("達成", _("達成の取組数")),
    ("一部達成", _("一部達成の取組数")),
    ("未達成", _("未達成の取組数")),
    ("判定不可", _("判定不可の取組数")),
    ("未評価", _("達成状況が未登録の取組数（達成度の分母に含めません）")),
    ("評価済み", _("達成状況が登録された取組の数（取組数より少なければ達成度は暫定）")),
    (
        "達成度",
        _("達成度（%、小数第1位まで四捨五入。評価済みの取組がない場合は空欄、JSON では null）"),
    ),
    (
        "暫定",
        _(
            "未評価の取組が残るまま計算した達成度なら 1、すべて評価済みなら 0（達成度が空欄なら空欄）"
        ),
    ),
    ("達成度の計算方法", _("その団体の達成度の計算式（団体ごとに設定が異なる場合があります）")),
)
COLUMN_NAMES = [name for name, _description in COLUMNS]


# --- the comparison page -----------------------------------------------------------------


@dataclass
class NationalColumn:
    """A column of the towns compared: one 重点取組事項 of the national plan."""

    item: object  # NationalPlanItem
    label: str

    @property
    def key(self):
        return f"{NATIONAL_SORT}{self.item.pk}"


@dataclass
class TownRow:
    town: object
    achievement: object  # the engine's figures of its latest published year, or None
    national: dict = field(default_factory=dict)  # NationalPlanItem pk -> NationalAchievement
    rule_differs: bool = False  # the town's own rule is not the site's
    rule_notes: list = field(default_factory=list)  # its notes the site's rule does not have
    cells: list = field(default_factory=list)  # (NationalColumn, NationalAchievement or None)

    @property
    def host(self):
        hosts = list(self.town.hosts.all())
        return hosts[0].host if hosts else None

    @property
    def dashboard_url(self):
        """The town's own dashboard, at the figures shown here; None where it has no address."""
        path = reverse("reports:dashboard")
        if self.achievement is not None:
            path += f"?plan={self.achievement.plan.slug}&year={self.achievement.fiscal_year}"
        if self.host:
            return f"//{self.host}{path}"
        return path if is_single_town() else None


# Sort keys: the column and how its value is read from a row; None sorts last either way.
SORTS = {
    "code": lambda row: row.town.code,
    "year": lambda row: row.achievement.fiscal_year if row.achievement else None,
    "coverage": lambda row: _coverage(row.achievement.overall) if row.achievement else None,
    "pooled": lambda row: row.achievement.pooled_rate if row.achievement else None,
    "mean": lambda row: row.achievement.mean_of_area_rates if row.achievement else None,
}
NATIONAL_SORT = "item-"
DEFAULT_SORT = "code"


def _coverage(counts):
    return counts.evaluated / counts.total if counts.total else None


class UnknownSort(ValueError):
    """A ``sort`` the page does not have; str() is the message for the reader."""


class UnknownPrefecture(ValueError):
    """A ``prefecture`` no town of the deployment is in; str() is the message for the reader."""


def prefectures(towns=None):
    """The prefectures of the deployment's towns (``towns`` where it is all of them), in the
    order of their towns' codes (a code begins with its prefecture's number: 01 北海道 … 47
    沖縄県)."""
    if towns is None:
        towns = Town.objects.only("code", "prefecture")
    return list(dict.fromkeys(town.prefecture for town in sorted(towns, key=lambda t: t.code)))


def towns_in(prefecture=None):
    """The towns shown: all of them, or those of one prefecture (UnknownPrefecture)."""
    # What a row shows of its town; its host names are read for the rows of the page shown.
    towns = Town.objects.only("code", "name", "name_en", "prefecture")
    if not prefecture:
        return list(towns)
    found = list(towns.filter(prefecture=prefecture))
    if not found:
        raise UnknownPrefecture(
            f"「{prefecture}」の団体はこのサイトにありません。一覧から都道府県を選んでください。"
        )
    return found


@dataclass
class Comparison:
    rows: list
    national_columns: list  # the 重点取組事項 any shown town's areas link to
    default_rule: object
    sort: str = DEFAULT_SORT
    prefecture: str = ""  # the prefecture shown; "" for every town
    prefectures: list = field(default_factory=list)  # to choose from
    page: object = None  # the page of rows shown (django.core.paginator.Page)
    rule_column: bool = False  # some town (of any page) sets its own rule

    def _query(self, **values):
        query = {
            "sort": self.sort if self.sort != DEFAULT_SORT else None,
            "prefecture": self.prefecture,
            **values,
        }
        return urlencode({name: value for name, value in query.items() if value})

    def page_query(self, number):
        """The query string of another page of the same order and prefecture."""
        return self._query(page=number if number != 1 else None)

    def sort_link(self, key):
        """The ``sort`` a column's heading links to: the other way round when it is the order."""
        if self.sort == key:
            return f"-{key}"
        if self.sort == f"-{key}":
            return key
        return key if key == "code" else f"-{key}"  # rates: the highest first

    def sort_query(self, key):
        """The query string of a heading's link: its sort (from the first page), and the
        prefecture shown."""
        return self._query(sort=self.sort_link(key))

    def aria_sort(self, key):
        if self.sort == key:
            return "ascending"
        if self.sort == f"-{key}":
            return "descending"
        return None


PAGE_SIZE = 100  # towns per page: a prefecture fits on one, all of Japan on eighteen


def comparison(sort=None, prefecture=None, page=1):
    """Every town's latest published year and its figures, sorted by ``sort`` (UnknownSort);
    only the towns of ``prefecture`` where one is given (UnknownPrefecture). The rows of
    page ``page`` (PAGE_SIZE towns) are the ones shown; the order is that of every town."""
    sort = sort or DEFAULT_SORT
    towns = towns_in(prefecture)
    years = EvaluationYear.objects.latest_published_of_each_town().select_related("plan__town")
    if prefecture:
        years = years.filter(plan__town__in=towns)
    latest = {evaluation.plan.town_id: evaluation for evaluation in years}
    figures = cache.achievements_of_plans([(e.plan, e.fiscal_year) for e in latest.values()])
    links = national_links([e.plan_id for e in latest.values()])
    default = rule_for(None)
    rows, items = [], {}
    for town in towns:
        evaluation = latest.get(town.pk)
        achievement = figures[(evaluation.plan_id, evaluation.fiscal_year)] if evaluation else None
        row = TownRow(town, achievement)
        if achievement is not None:
            for entry in by_national_item(achievement, links):
                row.national[entry.item.pk] = entry
                items[entry.item.pk] = entry.item
            row.rule_differs = achievement.rule != default
        rows.append(row)
    columns = _national_columns(items.values())
    rows = _sorted(rows, sort, {column.key for column in columns})
    shown = Paginator(rows, PAGE_SIZE).get_page(page)
    prefetch_related_objects([row.town for row in shown.object_list], "hosts")
    notes = {}  # a rule's notes, once per rule
    for row in shown.object_list:
        row.cells = [(column, row.national.get(column.item.pk)) for column in columns]
        if row.rule_differs:
            rule = row.achievement.rule
            if rule.key not in notes:
                notes[rule.key] = rule.notes_differing_from(default)
            row.rule_notes = notes[rule.key]
    return Comparison(
        list(shown.object_list),
        columns,
        default,
        sort,
        prefecture or "",
        prefectures(None if prefecture else towns),
        page=shown,
        rule_column=any(row.rule_differs for row in rows),
    )


def _national_columns(items):
    items = sorted(items, key=lambda item: (item.edition, item.pk))
    several = len({item.edition for item in items}) > 1
    columns = []
    for item in items:
        label = gettext("国計画：%(name)s") % {"name": item.name}
        if several:
            label += f"（{item.edition}）"
        columns.append(NationalColumn(item, label))
    return columns


def _sorted(rows, sort, national_keys):
    key = sort.removeprefix("-")
    if key in national_keys:
        pk = int(key.removeprefix(NATIONAL_SORT))

        def value(row):
            entry = row.national.get(pk)
            return entry.rate if entry else None

    elif key in SORTS:
        value = SORTS[key]
    else:
        raise UnknownSort(
            f"並べ替えの指定「{sort}」は使えません。表の見出しのリンクから並べ替えてください。"
        )
    by_code = sorted(rows, key=lambda row: row.town.code)
    known = [row for row in by_code if value(row) is not None]
    unknown = [row for row in by_code if value(row) is None]
    known.sort(key=value, reverse=sort.startswith("-"))  # stable: ties stay in code order
    return known + unknown


def national_links(plan_ids):
    """{area_id: [NationalPlanItem]} of the plans' areas, in one query."""
    Link = PriorityArea.national_items.through
    links = {}
    for link in (
        Link.objects.filter(priorityarea__plan_id__in=plan_ids)
        .select_related("nationalplanitem")
        .order_by("nationalplanitem__edition", "nationalplanitem_id")
    ):
        links.setdefault(link.priorityarea_id, []).append(link.nationalplanitem)
    return links


def _published(towns=None):
    years = EvaluationYear.objects.published().select_related("plan__town")
    if towns is not None:
        years = years.filter(plan__town__in=towns)
    return years.order_by("plan__town__code", "plan__published_on", "plan__slug", "fiscal_year")


# --- the deployment's open data ----------------------------------------------------------


def records(prefecture=None):
    """(towns, records): every published year of every town (of ``prefecture`` where one is
    given: UnknownPrefecture), long format. One record per town × plan × year × area, then one
    per 重点取組事項 its areas link to; keys as COLUMNS, values typed as the JSON has them."""
    years = list(_published(towns_in(prefecture) if prefecture else None))
    figures = cache.achievements_of_plans([(e.plan, e.fiscal_year) for e in years])
    links = national_links({e.plan_id for e in years})
    towns = list({e.plan.town_id: e.plan.town for e in years}.values())
    rows = []
    for evaluation in years:
        achievement = figures[(evaluation.plan_id, evaluation.fiscal_year)]
        town = evaluation.plan.town
        common = {
            "全国地方公共団体コード": town.code,
            "団体名": town.name,
            "都道府県": town.prefecture,
            "計画ID": achievement.plan.slug,
            "計画名": str(achievement.plan),
            "年度": achievement.fiscal_year,
            "年度（和暦）": wareki.fiscal_year_label(achievement.fiscal_year),
        }
        formula = achievement.rule.formula
        for result in achievement.areas:
            rows.append(
                {
                    **common,
                    "集計単位": AREA_UNIT,
                    "区分番号": result.area.number,
                    "重点施策区分": result.area.name,
                    "国計画の重点取組事項": "、".join(
                        item.name for item in links.get(result.area.pk, [])
                    ),
                    "国計画の版": "",
                    **_figures(result.counts, result.rate_percent),
                    "達成度の計算方法": formula,
                }
            )
        for entry in by_national_item(achievement, links):
            rows.append(
                {
                    **common,
                    "集計単位": NATIONAL_UNIT,
                    "区分番号": None,
                    "重点施策区分": "",
                    "国計画の重点取組事項": entry.item.name,
                    "国計画の版": entry.item.edition,
                    **_figures(entry.counts, entry.rate_percent),
                    "達成度の計算方法": formula,
                }
            )
    return towns, rows


def _figures(counts, rate_percent):
    return {
        "取組数": counts.total,
        "達成": counts.achieved,
        "一部達成": counts.partially_achieved,
        "未達成": counts.not_achieved,
        "判定不可": counts.undeterminable,
        "未評価": counts.not_evaluated,
        "評価済み": counts.evaluated,
        "達成度": None if rate_percent is None else float(rate_percent),
        "暫定": None if rate_percent is None else counts.is_provisional,
    }


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    return safe_cell(value) if isinstance(value, str) else value


def csv_response(prefecture=None):
    """The records as CSV: UTF-8 with BOM, CRLF, one header row, the JSON's columns."""
    _towns, rows = records(prefecture)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    writer.writerows([_csv_cell(record[name]) for name in COLUMN_NAMES] for record in rows)
    response = HttpResponse(
        buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition("towns_achievement.csv")
    return response


def json_response(request, prefecture=None):
    """The records as JSON (UTF-8): what they are, each town's licence, the columns, the rows."""
    towns, rows = records(prefecture)
    document = {
        "title": "DX推進計画の達成状況（団体別・公表済みの年度）",
        "description": (
            "このサイトで進捗を公開している団体の、公表済みの年度の達成状況です。"
            "records の1件が1団体・1計画・1年度・1集計単位（重点施策区分、または国計画の"
            "重点取組事項）の縦持ちの形式で、項目名は同じ内容の CSV の列名と同じです。"
        ),
        "csv": request.build_absolute_uri(
            reverse("reports:towns_csv")
            + (f"?{urlencode({'prefecture': prefecture})}" if prefecture else "")
        ),
        "都道府県": prefecture or None,
        "encoding": "UTF-8",
        "licences": [
            {
                "全国地方公共団体コード": town.code,
                "団体名": town.name,
                "利用条件": town.licence,
                "出典": town.citation_text,
            }
            for town in sorted(towns, key=lambda town: town.code)
        ],
        "columns": [{"name": name, "description": str(text)} for name, text in COLUMNS],
        "records": [{name: record[name] for name in COLUMN_NAMES} for record in rows],
    }
    body = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition("towns_achievement.json", "inline")
    return response
