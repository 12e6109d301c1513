"""Validate a workbook completely, then apply it in one transaction.

``WorkbookImport.validate()`` reads every row against the database state as
it is plus the file's own new rows, and plans the writes; it writes nothing
(the dry run). ``apply_steps()`` performs the planned writes and yields
progress; callers run it inside ``transaction.atomic`` (``run()`` does).
Statuses and KPI actuals are written only through actions.services (its bulk
record_statuses / record_kpi_actuals, WRITE_CHUNK rows a call), so the
history records 「一括取込」 and a locked year stays locked; master rows
(plans, areas, items, KPIs) are written in bulk with an AuditEntry each.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from openpyxl.utils import get_column_letter

from actions import services
from actions.models import (
    ActionItem,
    AuditEntry,
    EvaluationYear,
    Kpi,
    KpiActual,
    Status,
    YearlyStatus,
)
from actions.workbook import sheets as S
from actions.workbook import values as V
from plans import wareki
from plans.models import Plan, PriorityArea, Section

WRITE_CHUNK = 1000  # entries per bulk service call: progress steps, bounded statements


@dataclass
class RowError:
    sheet: str
    row: int | None
    column: str
    value: str
    message: str

    def __str__(self):
        where = f"{self.sheet}" + (f" {self.row}行目" if self.row else "")
        if self.column:
            where += f" 列「{self.column}」"
        value = f" 値「{self.value}」" if self.value else ""
        return f"{where}{value}: {self.message}"


@dataclass
class SheetSummary:
    name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0

    @property
    def rows(self):
        return self.created + self.updated + self.unchanged


@dataclass
class Change:
    """One planned write, as the dry run lists it."""

    sheet: str
    row: int
    kind: str  # "create" | "update"
    key: str
    fields: list = field(default_factory=list)  # [(column, before, after)]

    @property
    def kind_label(self):
        return "追加" if self.kind == "create" else "更新"


@dataclass
class MasterWrite:
    kind: str
    obj: object
    sheet: str
    row: int
    before: dict | None
    fields: list  # model field names changed
    relisted: list | None = None  # new 再掲区分, when they change


@dataclass
class Row:
    sheet: str
    number: int
    values: dict  # column name -> raw value
    present: frozenset  # the sheet's column names in its header
    formula_cells: set

    def has(self, column):
        return column in self.present


class RowInvalid(Exception):
    pass


def _jsonable(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _fmt(value):
    """A value as the change list shows it."""
    if value is None or value == "":
        return "（空欄）"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value) or "（空欄）"
    return str(value)


def header_name(value):
    text = V.normalize(value).replace(" ", "")
    for mark in ("(必須)", "*", "※"):
        text = text.replace(mark, "")
    return text


def find_header(rows, sheet_def=None):
    """(index in rows, SheetDef) of the header row; a title row may stand above it."""
    candidates = [sheet_def] if sheet_def else list(S.SHEETS)
    for index, (_number, values) in enumerate(rows[: S.HEADER_SEARCH_ROWS]):
        names = {header_name(v) for v in values if not V.is_blank(v)}
        scored = []
        for candidate in candidates:
            score = len(names & set(candidate.names))
            missing = len(set(candidate.required_names) - names)
            scored.append((score, -missing, score / len(candidate.names), candidate))
        scored.sort(key=lambda s: s[:3], reverse=True)
        if scored and scored[0][0] >= 2:
            return index, scored[0][3]
    return None, None


class WorkbookImport:
    def __init__(self, sheet_data, *, user=None, source=AuditEntry.Source.IMPORT):
        self.sheet_data = sheet_data
        self.user = user if user is not None and user.is_authenticated else None
        self.source = source
        self.errors = []
        self.summaries = {sheet.name: SheetSummary(sheet.name) for sheet in S.SHEETS}
        self.changes = []
        self.rows = defaultdict(list)  # sheet name -> [Row]
        self.validated = False
        self.applied = False

    # --- results ---------------------------------------------------------------

    @property
    def ok(self):
        return self.validated and not self.errors

    @property
    def present_summaries(self):
        return [s for s in self.summaries.values() if s.rows or s.errors or self.rows.get(s.name)]

    @property
    def total_writes(self):
        return len(self.master_writes) + len(self.status_writes) + len(self.actual_writes)

    def error(self, sheet, row, column, value, message):
        self.errors.append(RowError(sheet, row, column, V.display(value), message))
        if sheet in self.summaries and row is not None:
            self.summaries[sheet].errors += 1

    # --- reading the sheets ------------------------------------------------------

    def _collect_rows(self):
        for data in self.sheet_data:
            sheet_def = None
            if not data.is_csv:
                name = header_name(data.name)
                if name in S.IGNORED_SHEETS or not data.rows:
                    continue
                sheet_def = S.SHEETS_BY_NAME.get(name)
                if sheet_def is None:
                    if data.hidden:
                        continue
                    self.error(
                        data.name,
                        None,
                        "",
                        "",
                        f"シート「{data.name}」は取り込めません。シート名は "
                        f"{'、'.join(S.SHEETS_BY_NAME)} のいずれかにしてください"
                        f"（{'・'.join(sorted(S.IGNORED_SHEETS))}のシートは読み飛ばします）。",
                    )
                    continue
            index, found = find_header(data.rows, sheet_def)
            label = sheet_def.name if sheet_def else "CSV"
            if found is None:
                expected = (
                    "、".join(sheet_def.names)
                    if sheet_def
                    else "計画ID、取組番号、年度、達成状況 など"
                )
                self.error(
                    label,
                    None,
                    "",
                    "",
                    f"見出し行が見つかりません。先頭（タイトル行の下でも可）に {expected} の見出しを入れてください。",
                )
                continue
            self._read_table(found, data, index)

    def _read_table(self, sheet_def, data, header_index):
        header_number, header = data.rows[header_index]
        columns = {}
        ok = True
        for position, cell in enumerate(header):
            if V.is_blank(cell):
                continue
            name = header_name(cell)
            if name not in sheet_def.names:
                self.error(
                    sheet_def.name,
                    header_number,
                    V.display(cell),
                    cell,
                    f"列「{V.display(cell)}」はシート「{sheet_def.name}」にありません。"
                    f"使える列: {'、'.join(sheet_def.names)}",
                )
                continue
            if name in columns:
                self.error(
                    sheet_def.name,
                    header_number,
                    name,
                    cell,
                    f"列「{name}」が2つあります。1つにしてください。",
                )
                ok = False
            columns[name] = position
        missing = [name for name in sheet_def.required_names if name not in columns]
        if missing:
            self.error(
                sheet_def.name,
                header_number,
                "、".join(missing),
                "",
                f"必須の列 {'、'.join(missing)} がありません。見出し行に追加してください。",
            )
            ok = False
        body = data.rows[header_index + 1 :]
        if len(body) > settings.IMPORT_MAX_ROWS_PER_SHEET:
            self.error(
                sheet_def.name,
                None,
                "",
                "",
                f"行数が多すぎます（{len(body):,} 行）。1シートに取り込めるのは "
                f"{settings.IMPORT_MAX_ROWS_PER_SHEET:,} 行までです。シートを分けて取り込んでください。",
            )
            ok = False
        if not ok:
            return
        present = frozenset(columns)
        for number, cells in body:
            values = {
                name: (cells[position] if position < len(cells) else None)
                for name, position in columns.items()
            }
            if all(V.is_blank(v) for v in values.values()):
                continue
            formula_cells = {
                name
                for name, position in columns.items()
                if f"{get_column_letter(position + 1)}{number}" in data.formulas_without_value
            }
            self.rows[sheet_def.name].append(
                Row(sheet_def.name, number, values, present, formula_cells)
            )

    # --- the database state ------------------------------------------------------

    def _load_state(self):
        slugs = set()
        for rows in self.rows.values():
            for row in rows:
                for column in ("計画ID", "改定元計画ID"):
                    if not V.is_blank(row.values.get(column)):
                        slugs.add(V.normalize(row.values[column]))
        self.plans = {plan.slug: plan for plan in Plan.objects.filter(slug__in=slugs)}
        plan_ids = [plan.pk for plan in self.plans.values()]
        by_id = {plan.pk: plan for plan in self.plans.values()}
        self.areas = defaultdict(dict)  # slug -> number -> area
        for area in PriorityArea.objects.filter(plan_id__in=plan_ids):
            area.plan = by_id[area.plan_id]
            self.areas[area.plan.slug][area.number] = area
        self.area_by_id = area_by_id = {
            a.pk: a for areas in self.areas.values() for a in areas.values()
        }
        self.items = {}  # (slug, number) -> item
        self.relisted = defaultdict(list)  # item pk -> [area]
        if self.rows.keys() - {S.PLAN.name, S.AREA.name}:
            items = ActionItem.objects.filter(plan_id__in=plan_ids)
            for item in items:
                item.plan = by_id[item.plan_id]
                self.items[(item.plan.slug, item.number)] = item
            through = ActionItem.relisted_areas.through.objects.filter(
                actionitem__plan_id__in=plan_ids
            ).values_list("actionitem_id", "priorityarea_id")
            for item_id, area_id in through:
                self.relisted[item_id].append(area_by_id[area_id])
        item_by_id = {item.pk: item for item in self.items.values()}
        self.kpis = {}  # (slug, number, match_key(name)) -> kpi
        if self.rows.keys() & {S.KPI.name, S.KPI_ACTUAL.name}:
            for kpi in Kpi.objects.filter(item__plan_id__in=plan_ids):
                kpi.item = item_by_id[kpi.item_id]
                self.kpis[self._kpi_key(kpi.item, kpi.name)] = kpi
        self.statuses = {}
        if S.STATUS.name in self.rows:
            for status in YearlyStatus.objects.filter(item__plan_id__in=plan_ids).only(
                "id", "item_id", "fiscal_year", "status", "comment", "evidence", "version"
            ):
                self.statuses[(status.item_id, status.fiscal_year)] = status
        self.actuals = {}
        if S.KPI_ACTUAL.name in self.rows:
            for actual in KpiActual.objects.filter(kpi__item__plan_id__in=plan_ids):
                self.actuals[(actual.kpi_id, actual.fiscal_year)] = actual
        self.locked_years = defaultdict(set)
        for plan_id, year in EvaluationYear.objects.filter(
            plan_id__in=plan_ids, is_locked=True
        ).values_list("plan_id", "fiscal_year"):
            self.locked_years[by_id[plan_id].slug].add(year)
        self.sections = list(Section.objects.all()) if S.ITEM.name in self.rows else []
        self.master_writes = []
        self.status_writes = []
        self.actual_writes = []
        self.new_items = {}  # id(item) -> item, for items created by this file

    @staticmethod
    def _kpi_key(item, name):
        return (item.plan.slug, item.number, V.match_key(name))

    # --- validation ----------------------------------------------------------------

    def validate(self):
        self._collect_rows()
        self._load_state()
        handlers = {
            S.PLAN.name: self._plan_row,
            S.AREA.name: self._area_row,
            S.ITEM.name: self._item_row,
            S.KPI.name: self._kpi_row,
            S.STATUS.name: self._status_row,
            S.KPI_ACTUAL.name: self._actual_row,
        }
        for sheet_def in S.APPLY_ORDER:
            seen = {}
            for row in self.rows.get(sheet_def.name, ()):
                try:
                    handlers[sheet_def.name](row, seen)
                except RowInvalid:
                    pass
            if sheet_def is S.PLAN:
                self._check_revisions()
            if sheet_def is S.AREA:
                self._check_area_names()
        self.validated = True
        return self

    # helpers for one row

    def _cell(self, row, column, parser, *args, required=False, **kwargs):
        value = row.values.get(column)
        if column in row.formula_cells:
            self.error(
                row.sheet,
                row.number,
                column,
                "（数式）",
                "数式の計算結果がファイルに保存されていません。Excelで開いて保存し直すか、"
                "値として貼り付けてから取り込んでください。",
            )
            raise RowInvalid
        if required and V.is_blank(value):
            self.error(
                row.sheet, row.number, column, "", f"{column}を入力してください（空欄は不可）。"
            )
            raise RowInvalid
        try:
            return parser(value, *args, **kwargs)
        except V.CellError as exc:
            self.error(row.sheet, row.number, column, value, str(exc))
            raise RowInvalid from exc

    def _cells(self, row, specs):
        """Parse several cells, reporting every bad one before giving up on the row."""
        parsed, failed = {}, False
        for column, parser, kwargs in specs:
            if not row.has(column):
                continue
            try:
                parsed[column] = self._cell(row, column, parser, **kwargs)
            except RowInvalid:
                failed = True
        if failed:
            raise RowInvalid
        return parsed

    def _plan(self, row):
        slug = self._cell(row, "計画ID", V.parse_plan_id, required=True)
        plan = self.plans.get(slug)
        if plan is None:
            known = "、".join(sorted(self.plans)) or "なし"
            self.error(
                row.sheet,
                row.number,
                "計画ID",
                slug,
                f"計画ID「{slug}」の計画は登録されていません。計画シートで追加するか、"
                f"登録済みの計画IDを使ってください（このファイルで使える計画ID: {known}）。",
            )
            raise RowInvalid
        return plan

    def _item(self, row, plan, number):
        item = self.items.get((plan.slug, number))
        if item is None:
            self.error(
                row.sheet,
                row.number,
                "取組番号",
                number,
                f"計画「{plan.slug}」に取組番号 {number} の取組はありません。"
                "取組シートで追加するか、登録済みの取組番号を使ってください。",
            )
            raise RowInvalid
        return item

    def _check_unique(self, row, seen, key, columns):
        first = seen.get(key)
        if first is not None:
            self.error(
                row.sheet,
                row.number,
                "・".join(columns),
                " / ".join(str(k) for k in key),
                f"同じ{'・'.join(columns)}の行が {first} 行目にもあります。1行にまとめてください。",
            )
            raise RowInvalid
        seen[key] = row.number

    def _in_period(self, row, plan, year, column="年度"):
        if not plan.covers_fiscal_year(year):
            self.error(
                row.sheet,
                row.number,
                column,
                row.values.get(column),
                f"{wareki.fiscal_year_label(year)}は計画「{plan.slug}」の計画期間"
                f"（{wareki.fiscal_year_label(plan.first_fiscal_year)}～"
                f"{wareki.fiscal_year_label(plan.last_fiscal_year)}）の外です。",
            )
            raise RowInvalid

    def _model_errors(self, row, obj, columns_by_field, exclude=()):
        """Django's field validation (lengths, required) reported per column."""
        try:
            obj.clean_fields(
                exclude=[f.name for f in obj._meta.fields if f.name not in columns_by_field]
                + list(exclude)
            )
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                column = columns_by_field.get(field_name, field_name)
                self.error(
                    row.sheet, row.number, column, getattr(obj, field_name, ""), " ".join(messages)
                )
            raise RowInvalid from exc

    def _record_master(self, sheet, row, obj, new_values, key_label, relisted=None):
        """Compare with the current values; plan a create or update, or count unchanged."""
        summary = self.summaries[sheet]
        columns = COLUMNS_BY_FIELD[type(obj)]
        if obj.pk is None and not getattr(obj, "_planned", False):
            for name, value in new_values.items():
                setattr(obj, name, value)
            obj._planned = True
            write = MasterWrite("create", obj, sheet, row.number, None, list(new_values), relisted)
            self.master_writes.append(write)
            summary.created += 1
            self.changes.append(
                Change(
                    sheet,
                    row.number,
                    "create",
                    key_label,
                    [
                        (columns.get(n, n), None, v)
                        for n, v in new_values.items()
                        if v not in (None, "")
                    ]
                    + ([("再掲区分", None, [a.name for a in relisted])] if relisted else []),
                )
            )
            return
        before = {}
        changed = []
        for name, value in new_values.items():
            current = self._current_value(obj, name)
            if isinstance(value, Model) or current != value:
                if (
                    isinstance(value, Model)
                    and value.pk is not None
                    and value.pk == getattr(obj, obj._meta.get_field(name).attname)
                ):
                    continue
                before[name] = current
                changed.append(name)
                setattr(obj, name, value)
        relisted_changed = None
        if relisted is not None:
            current_ids = sorted(a.pk for a in self.relisted.get(obj.pk, []) if a.pk)
            if (
                obj.pk is None
                or sorted(a.pk for a in relisted if a.pk) != current_ids
                or any(a.pk is None for a in relisted)
            ):
                relisted_changed = relisted
                before["relisted_areas"] = [a.name for a in self.relisted.get(obj.pk, [])]
        if not changed and relisted_changed is None:
            summary.unchanged += 1
            return
        write = MasterWrite("update", obj, sheet, row.number, before, changed, relisted_changed)
        self.master_writes.append(write)
        summary.updated += 1
        fields_shown = [(columns.get(n, n), before[n], getattr(obj, n)) for n in changed]
        if relisted_changed is not None:
            fields_shown.append(
                ("再掲区分", before["relisted_areas"], [a.name for a in relisted_changed])
            )
        self.changes.append(Change(sheet, row.number, "update", key_label, fields_shown))

    def _current_value(self, obj, name):
        """A field's value; a foreign key from the loaded state, without a query."""
        field = obj._meta.get_field(name)
        if not field.is_relation:
            return getattr(obj, name)
        pk = getattr(obj, field.attname)
        if pk is None:
            return None
        if field.related_model is PriorityArea:
            return self.area_by_id.get(pk)
        if field.related_model is Section:
            return next((s for s in self.sections if s.pk == pk), None)
        if field.related_model is Plan:
            known = next((p for p in self.plans.values() if p.pk == pk), None)
            if known is not None:
                return known
        return getattr(obj, name)

    # 計画

    def _plan_row(self, row, seen):
        slug = self._cell(row, "計画ID", V.parse_plan_id, required=True)
        self._check_unique(row, seen, (slug,), ["計画ID"])
        parsed = self._cells(
            row,
            [
                ("計画名", V.clean_text, {"required": True}),
                ("版", _version_text, {"required": True}),
                ("策定年月", V.parse_date, {"required": True}),
                ("計画期間開始", V.parse_date, {"required": True}),
                ("計画期間終了", V.parse_date, {"required": True, "period_end": True}),
                ("改定元計画ID", _optional(V.parse_plan_id), {}),
            ],
        )
        plan = self.plans.get(slug) or Plan(slug=slug)
        new_values = {
            "name": parsed["計画名"],
            "version": parsed["版"],
            "published_on": parsed["策定年月"],
            "period_start": parsed["計画期間開始"],
            "period_end": parsed["計画期間終了"],
        }
        if new_values["period_end"] < new_values["period_start"]:
            self.error(
                row.sheet,
                row.number,
                "計画期間終了",
                row.values["計画期間終了"],
                "計画期間終了が計画期間開始より前です。",
            )
            raise RowInvalid
        probe = Plan(slug=slug, **new_values)
        self._model_errors(row, probe, COLUMNS_BY_FIELD[Plan], exclude=["slug"])
        if "改定元計画ID" in parsed:
            plan._revises_slug = parsed["改定元計画ID"]
            plan._revises_row = row
        self.plans[slug] = plan
        self._pending_plans = getattr(self, "_pending_plans", [])
        self._pending_plans.append((row, plan, new_values))

    def _check_revisions(self):
        for row, plan, new_values in getattr(self, "_pending_plans", []):
            slug = getattr(plan, "_revises_slug", None)
            if getattr(plan, "_revises_row", None) is row:
                if slug and slug not in self.plans:
                    self.error(
                        row.sheet,
                        row.number,
                        "改定元計画ID",
                        slug,
                        f"改定元の計画「{slug}」は登録されていません。",
                    )
                    continue
                if slug == plan.slug:
                    self.error(
                        row.sheet,
                        row.number,
                        "改定元計画ID",
                        slug,
                        "自分自身を改定元にはできません。",
                    )
                    continue
                new_values["revises"] = self.plans[slug] if slug else None
            self._record_master(S.PLAN.name, row, plan, new_values, plan.slug)

    # 重点施策区分

    def _area_row(self, row, seen):
        plan = self._plan(row)
        number = self._cell(row, "番号", V.parse_int, required=True)
        self._check_unique(row, seen, (plan.slug, number), ["計画ID", "番号"])
        parsed = self._cells(
            row,
            [
                ("区分名", V.clean_text, {"required": True}),
                ("主な取組", V.clean_text, {}),
                ("国計画との整合", V.clean_text, {}),
                ("別表記", V.split_list, {}),
            ],
        )
        area = self.areas[plan.slug].get(number) or PriorityArea(plan=plan, number=number)
        new_values = {"name": parsed["区分名"]}
        for column, name in (
            ("主な取組", "main_initiatives"),
            ("国計画との整合", "national_alignment"),
        ):
            if column in parsed:
                new_values[name] = parsed[column]
        if "別表記" in parsed:
            new_values["aliases"] = "\n".join(parsed["別表記"])
        probe = PriorityArea(plan=plan, number=number, **new_values)
        self._model_errors(row, probe, COLUMNS_BY_FIELD[PriorityArea])
        self._record_master(S.AREA.name, row, area, new_values, f"{plan.slug} 区分{number}")
        area._row = row.number
        self.areas[plan.slug][number] = area

    def _check_area_names(self):
        for slug, areas in self.areas.items():
            names = {}
            for number, area in sorted(areas.items()):
                other = names.get(area.name)
                if other is not None:
                    row = getattr(area, "_row", None) or getattr(other, "_row", None)
                    self.error(
                        S.AREA.name,
                        row,
                        "区分名",
                        area.name,
                        f"計画「{slug}」に同じ区分名「{area.name}」が2つあります（番号 {other.number} と {number}）。",
                    )
                names[area.name] = area
        self._area_index = {slug: _area_index(areas.values()) for slug, areas in self.areas.items()}

    def _area(self, row, plan, column, text):
        index = getattr(self, "_area_index", None)
        if index is None:
            self._area_index = index = {s: _area_index(a.values()) for s, a in self.areas.items()}
        found = index.get(plan.slug, {}).get(("exact", text.strip())) or index.get(
            plan.slug, {}
        ).get(("key", V.match_key(text)))
        if found is None:
            allowed = "、".join(
                f"{a.number} {a.name}"
                for a in sorted(self.areas[plan.slug].values(), key=lambda a: a.number)
            )
            self.error(
                row.sheet,
                row.number,
                column,
                text,
                f"重点施策区分「{text}」は計画「{plan.slug}」にありません。番号・区分名・別表記のいずれかで"
                f"入力してください（使える区分: {allowed or 'なし'}）。",
            )
            raise RowInvalid
        return found

    # 取組

    def _item_row(self, row, seen):
        plan = self._plan(row)
        number = self._cell(row, "取組番号", V.parse_int, required=True)
        self._check_unique(row, seen, (plan.slug, number), ["計画ID", "取組番号"])
        parsed = self._cells(
            row,
            [
                ("取組名", V.clean_text, {"required": True}),
                ("重点施策区分", V.clean_text, {"required": True}),
                ("再掲区分", V.split_list, {}),
                ("担当課", V.clean_text, {}),
                ("概要", V.clean_text, {}),
            ],
        )
        failed = False
        try:
            primary = self._area(row, plan, "重点施策区分", parsed["重点施策区分"])
        except RowInvalid:
            failed, primary = True, None
        relisted = None
        if "再掲区分" in parsed:
            relisted = []
            for name in parsed["再掲区分"]:
                try:
                    area = self._area(row, plan, "再掲区分", name)
                except RowInvalid:
                    failed = True
                    continue
                if area is primary:
                    self.error(
                        row.sheet,
                        row.number,
                        "再掲区分",
                        name,
                        "再掲区分に、重点施策区分と同じ区分は指定できません。",
                    )
                    failed = True
                elif area not in relisted:
                    relisted.append(area)
        section = None
        if parsed.get("担当課"):
            section = self._section(parsed["担当課"])
            if section is None:
                known = "、".join(str(s) for s in self.sections) or "なし"
                self.error(
                    row.sheet,
                    row.number,
                    "担当課",
                    parsed["担当課"],
                    f"担当課「{parsed['担当課']}」は登録されていません（登録済み: {known}）。"
                    "管理画面で担当課を追加してから取り込んでください。",
                )
                failed = True
        if failed:
            raise RowInvalid
        item = self.items.get((plan.slug, number)) or ActionItem(plan=plan, number=number)
        new_values = {"title": parsed["取組名"], "primary_area": primary}
        if "担当課" in parsed:
            new_values["section"] = section
        if "概要" in parsed:
            new_values["description"] = parsed["概要"]
        probe = ActionItem(plan=plan, number=number, title=parsed["取組名"])
        self._model_errors(row, probe, {"title": "取組名"})
        self._record_master(
            S.ITEM.name, row, item, new_values, f"{plan.slug} 取組{number}", relisted
        )
        self.items[(plan.slug, number)] = item

    def _section(self, text):
        key = V.match_key(text)
        for section in self.sections:
            if key in (
                V.match_key(section.name),
                V.match_key(str(section)),
                V.match_key(section.unit or "-"),
            ):
                return section
        return None

    # 指標

    def _kpi_row(self, row, seen):
        plan = self._plan(row)
        number = self._cell(row, "取組番号", V.parse_int, required=True)
        name = self._cell(row, "指標名", V.clean_text, required=True)
        self._check_unique(
            row, seen, (plan.slug, number, V.match_key(name)), ["計画ID", "取組番号", "指標名"]
        )
        item = self._item(row, plan, number)
        parsed = self._cells(
            row,
            [
                ("単位", V.clean_text, {}),
                ("基準値", V.parse_decimal, {}),
                ("基準年度", V.parse_optional_fiscal_year, {}),
                ("目標値", V.parse_decimal, {}),
                ("目標年度", V.parse_optional_fiscal_year, {}),
            ],
        )
        key = self._kpi_key(item, name)
        kpi = self.kpis.get(key) or Kpi(item=item, name=name)
        new_values = {"name": name}
        for column, field_name in (
            ("単位", "unit"),
            ("基準値", "baseline_value"),
            ("基準年度", "baseline_year"),
            ("目標値", "target_value"),
            ("目標年度", "target_year"),
        ):
            if column in parsed:
                new_values[field_name] = parsed[column]
        probe = Kpi(item=item, **new_values)
        self._model_errors(row, probe, COLUMNS_BY_FIELD[Kpi])
        self._record_master(S.KPI.name, row, kpi, new_values, f"{plan.slug} 取組{number} {name}")
        self.kpis[key] = kpi

    # 達成状況

    def _status_row(self, row, seen):
        plan = self._plan(row)
        parsed = self._cells(
            row,
            [
                ("取組番号", V.parse_int, {"required": True}),
                ("年度", V.parse_fiscal_year, {"required": True}),
                ("達成状況", V.parse_status, {}),
                ("備考", V.clean_text, {}),
            ],
        )
        number, year, status = parsed["取組番号"], parsed["年度"], parsed.get("達成状況", "")
        self._check_unique(row, seen, (plan.slug, number, year), ["計画ID", "取組番号", "年度"])
        item = self._item(row, plan, number)
        self._in_period(row, plan, year)
        current = self.statuses.get((item.pk, year)) if item.pk else None
        comment = parsed["備考"] if "備考" in parsed else (current.comment if current else "")
        summary = self.summaries[S.STATUS.name]
        if current is None and not status and not comment:
            summary.unchanged += 1
            return
        if current is not None and (current.status, current.comment) == (status, comment):
            summary.unchanged += 1
            return
        try:
            services.validate_status(item, year, status, comment)
            services.check_year_open(plan, year, self.locked_years[plan.slug])
        except ValidationError as exc:
            column = {"comment_required": "備考", "invalid_status": "達成状況"}.get(
                exc.code, "年度"
            )
            self.error(
                row.sheet, row.number, column, row.values.get(column), " ".join(exc.messages)
            )
            raise RowInvalid from exc
        self.status_writes.append((row.number, item, year, status, comment, current))
        kind = "create" if current is None else "update"
        setattr(summary, kind + "d", getattr(summary, kind + "d") + 1)
        before_label = current.status_label if current else "未評価"
        fields_shown = []
        after_label = Status(status).label if status else "未評価"
        if current is None or current.status != status:
            fields_shown.append(("達成状況", before_label if current else None, after_label))
        if (current.comment if current else "") != comment:
            fields_shown.append(("備考", current.comment if current else None, comment))
        self.changes.append(
            Change(
                row.sheet,
                row.number,
                kind,
                f"{plan.slug} 取組{number} {wareki.fiscal_year_label(year)}",
                fields_shown,
            )
        )

    # 指標実績

    def _actual_row(self, row, seen):
        plan = self._plan(row)
        parsed = self._cells(
            row,
            [
                ("取組番号", V.parse_int, {"required": True}),
                ("指標名", V.clean_text, {"required": True}),
                ("年度", V.parse_fiscal_year, {"required": True}),
                ("実績値", V.parse_decimal, {}),
            ],
        )
        number, name, year, value = (
            parsed["取組番号"],
            parsed["指標名"],
            parsed["年度"],
            parsed.get("実績値"),
        )
        self._check_unique(
            row,
            seen,
            (plan.slug, number, V.match_key(name), year),
            ["計画ID", "取組番号", "指標名", "年度"],
        )
        item = self._item(row, plan, number)
        kpi = self.kpis.get(self._kpi_key(item, name))
        if kpi is None:
            self.error(
                row.sheet,
                row.number,
                "指標名",
                name,
                f"取組 {number} に指標「{name}」は登録されていません。指標シートで追加してください。",
            )
            raise RowInvalid
        self._in_period(row, plan, year)
        current = self.actuals.get((kpi.pk, year)) if kpi.pk else None
        summary = self.summaries[S.KPI_ACTUAL.name]
        if (current.value if current else None) == value:
            summary.unchanged += 1
            return
        try:
            services.check_year_open(plan, year, self.locked_years[plan.slug])
        except ValidationError as exc:
            self.error(
                row.sheet, row.number, "年度", row.values.get("年度"), " ".join(exc.messages)
            )
            raise RowInvalid from exc
        self.actual_writes.append((row.number, kpi, year, value, current))
        kind = "create" if current is None else "update"
        setattr(summary, kind + "d", getattr(summary, kind + "d") + 1)
        self.changes.append(
            Change(
                row.sheet,
                row.number,
                kind,
                f"{plan.slug} 取組{number} {name} {wareki.fiscal_year_label(year)}",
                [("実績値", current.value if current else None, value)],
            )
        )

    # --- applying --------------------------------------------------------------------

    def apply_steps(self):
        """Write the planned changes, yielding (done, total, label) as it goes."""
        if not self.ok:
            raise ValueError("validate() first, and only a file without errors can be applied")
        if transaction.get_autocommit():
            raise RuntimeError("apply_steps() writes all or nothing: run it in transaction.atomic")
        total, done = max(self.total_writes, 1), 0
        audits = []
        for model, label in (
            (Plan, "計画"),
            (PriorityArea, "重点施策区分"),
            (ActionItem, "取組"),
            (Kpi, "指標"),
        ):
            writes = [w for w in self.master_writes if isinstance(w.obj, model)]
            if not writes:
                continue
            self._save_master(model, writes)
            audits.extend(self._master_audit(w) for w in writes)
            done += len(writes)
            yield done, total, label
        AuditEntry.objects.bulk_create(audits, batch_size=500)
        status_entries = [
            services.StatusEntry(
                item,
                year,
                status,
                comment,
                current.evidence if current else "",
                current.version if current else 0,
            )
            for _row, item, year, status, comment, current in self.status_writes
        ]
        yield from self._write_in_chunks(
            services.record_statuses, status_entries, self.status_writes, S.STATUS, done, total
        )
        done += len(self.status_writes)
        actual_entries = [
            services.ActualEntry(kpi, year, value, current.value if current else None)
            for _row, kpi, year, value, current in self.actual_writes
        ]
        yield from self._write_in_chunks(
            services.record_kpi_actuals,
            actual_entries,
            self.actual_writes,
            S.KPI_ACTUAL,
            done,
            total,
        )
        done += len(self.actual_writes)
        self.applied = True
        yield total, total, "完了"

    def _write_in_chunks(self, record, entries, writes, sheet_def, done, total):
        """Write through a bulk service, WRITE_CHUNK entries a call, yielding progress.

        The locked years are read again by the service inside the transaction,
        and each entry carries the version (value) the dry run saw, so a change
        made since then stops the whole import. A refusal names the row.
        """
        for start in range(0, len(entries), WRITE_CHUNK):
            chunk = entries[start : start + WRITE_CHUNK]
            try:
                record(chunk, user=self.user, source=self.source)
            except ValidationError as exc:
                if getattr(exc, "index", None) is None:
                    raise
                row = writes[start + exc.index][0]
                raise ValidationError(
                    f"{sheet_def.name} {row}行目: {' '.join(exc.messages)}", code=exc.code
                ) from exc
            yield done + start + len(chunk), total, sheet_def.name

    def _save_master(self, model, writes):
        creates = [w.obj for w in writes if w.kind == "create"]
        updates = [w for w in writes if w.kind == "update" and w.fields]
        if model is Plan:
            # A revised plan must exist before the plan that names it.
            pending = list(creates)
            while pending:
                ready = [p for p in pending if p.revises is None or p.revises.pk]
                for plan in ready:
                    plan.save()
                pending = [p for p in pending if p.pk is None]
                if not ready:
                    raise ValueError("circular 改定元計画ID")
        else:
            # bulk_create re-reads the pks of parents saved earlier in this import.
            model.objects.bulk_create(creates, batch_size=500)
        if updates:
            fields = sorted({name for w in updates for name in w.fields})
            model.objects.bulk_update([w.obj for w in updates], fields, batch_size=500)
        if model is ActionItem:
            relisted = [w for w in writes if w.relisted is not None]
            through = ActionItem.relisted_areas.through
            through.objects.filter(actionitem_id__in=[w.obj.pk for w in relisted]).delete()
            through.objects.bulk_create(
                [
                    through(actionitem_id=w.obj.pk, priorityarea_id=a.pk)
                    for w in relisted
                    for a in w.relisted
                ]
            )

    def _master_audit(self, write):
        obj = write.obj
        model = type(obj)
        names = write.fields if write.kind == "update" else list(write.fields)
        after = {name: _jsonable(getattr(obj, name)) for name in names}
        before = (
            {name: _jsonable(value) for name, value in write.before.items()}
            if write.before
            else None
        )
        if write.relisted is not None:
            after["relisted_areas"] = [a.name for a in write.relisted]
        plan = obj if model is Plan else getattr(obj, "plan", None) or obj.item.plan
        item = obj if model is ActionItem else getattr(obj, "item", None)
        verb = "追加" if write.kind == "create" else "更新"
        return AuditEntry(
            user=self.user,
            action=f"{model._meta.verbose_name}の{verb}",
            source=self.source,
            plan=plan,
            item=item,
            section_id=getattr(item, "section_id", None),
            object_repr=str(obj)[:300],
            before=before,
            after=after,
        )

    def run(self, *, dry_run=False):
        """Validate, and unless ``dry_run`` or invalid, apply all of it in one transaction."""
        if not self.validated:
            self.validate()
        if dry_run or not self.ok:
            return self
        with transaction.atomic():
            for _step in self.apply_steps():
                pass
        return self


def _version_text(value):
    # Excel stores a typed 「2.0」 as the number 2; a 版 is written 2.0.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{int(value)}.0" if float(value).is_integer() else str(value)
    return V.normalize(value)


def _optional(parser):
    def parse(value):
        return None if V.is_blank(value) else parser(value)

    return parse


def _area_index(areas):
    index = {}
    for area in areas:
        for text in [area.name, area.display_name, *area.alias_list]:
            index.setdefault(("exact", text.strip()), area)
            index.setdefault(("key", V.match_key(text)), area)
        index.setdefault(("key", str(area.number)), area)
    return index


COLUMNS_BY_FIELD = {
    Plan: {
        "name": "計画名",
        "version": "版",
        "published_on": "策定年月",
        "period_start": "計画期間開始",
        "period_end": "計画期間終了",
        "revises": "改定元計画ID",
    },
    PriorityArea: {
        "name": "区分名",
        "main_initiatives": "主な取組",
        "national_alignment": "国計画との整合",
        "aliases": "別表記",
    },
    ActionItem: {
        "title": "取組名",
        "primary_area": "重点施策区分",
        "section": "担当課",
        "description": "概要",
    },
    Kpi: {
        "name": "指標名",
        "unit": "単位",
        "baseline_value": "基準値",
        "baseline_year": "基準年度",
        "target_value": "目標値",
        "target_year": "目標年度",
    },
}


def import_workbook(sheet_data, *, user=None, dry_run=False, source=AuditEntry.Source.IMPORT):
    """The service: validate a read workbook and, unless dry run or invalid, apply it."""
    return WorkbookImport(sheet_data, user=user, source=source).run(dry_run=dry_run)
