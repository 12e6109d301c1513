"""Checks shared by every sheet's rows, and the create/update/unchanged decision.

``RowChecks`` is mixed into WorkbookImport; it works on the state that
WorkbookImport sets up in ``__init__`` and ``_load_state()`` (plans, items,
relisted, area_by_id, sections, summaries, changes, master_writes) and reports
through ``error()``.
A check that fails reports the cell and raises RowInvalid, which skips the
rest of that row only.
"""

import re
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db.models import Model

from actions.imports.workbook import sheets as S
from actions.imports.workbook import values as V
from actions.imports.workbook.results import JAPANESE_IN_ENGLISH, Change, MasterWrite
from actions.models import ActionItem, Kpi
from plans import wareki
from plans.models import Plan, PriorityArea, Section
from plans.translated import ENGLISH, SUFFIXES


class RowInvalid(Exception):
    pass


TITLE_SHOWN = 30  # characters of an item's title in the dry run's lists


def item_label(item):
    """「取組 1-(2)-③「窓口のオンライン化」」: an item as the sheet names it, never by its id."""
    title = item.title if len(item.title) <= TITLE_SHOWN else item.title[: TITLE_SHOWN - 1] + "…"
    return f"取組 {item.code}「{title}」"


# Model field -> the column that sets it: errors and the change list name the column.
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
# The fields with translations (plans.translated): each has a column per language,
# 「取組名（英語）」 for title_en, optional in every sheet.
TRANSLATED_FIELDS = {
    Plan: ("name",),
    PriorityArea: ("name", "main_initiatives"),
    ActionItem: ("title",),
    Kpi: ("name", "unit"),
}


def _add_translation_columns():
    for model, fields in TRANSLATED_FIELDS.items():
        columns = COLUMNS_BY_FIELD[model]
        columns.update(
            (field + suffix, S.translation_column(columns[field], language))
            for field in fields
            for language, suffix in SUFFIXES.items()
        )


_add_translation_columns()
# Kana and kanji, whose presence in an English cell is most likely a slip of columns.
_JAPANESE_LETTERS = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


# The many-to-many column of a master sheet: (column, field, the loaded state's links by pk).
LINK_COLUMNS = {
    ActionItem: ("再掲区分", "relisted_areas", "relisted"),
    PriorityArea: ("国計画の重点取組事項", "national_items", "area_national"),
}


# Pure parsers of the cells that repeat down a sheet (the plan, the year, the status,
# an item's code on its five year rows, a stock comment): each value is parsed once.
# typed: 1 and 1.0 and True stay apart; a refusal is not cached, so each row reports it.
MEMOISED = {
    parser: lru_cache(maxsize=1024, typed=True)(parser)
    for parser in (
        V.parse_plan_id,
        V.parse_item_code,
        V.parse_fiscal_year,
        V.parse_status,
        V.clean_text,
    )
}


class RowChecks:
    @staticmethod
    def _kpi_key(item, name):
        return (item.plan.slug, item.code_key, V.match_key(name))

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
            return MEMOISED.get(parser, parser)(value, *args, **kwargs)
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

    def _translations(self, row, model):
        """{"title_en": …, "title_easy": …} from the translation columns the sheet has;
        none for a sheet without them, so what is stored stays. Text as written, trimmed.

        English with kana or kanji in it imports, with a warning: an English page
        marks it as English, and a screen reader would read it with an English voice.
        """
        columns = COLUMNS_BY_FIELD[model]
        fields = [f + suffix for f in TRANSLATED_FIELDS[model] for suffix in SUFFIXES.values()]
        parsed = self._cells(row, [(columns[field], V.clean_text, {}) for field in fields])
        english = {columns[field + SUFFIXES[ENGLISH]] for field in TRANSLATED_FIELDS[model]}
        for column, text in parsed.items():
            if column in english and _JAPANESE_LETTERS.search(text):
                self.warn(
                    JAPANESE_IN_ENGLISH,
                    row.sheet,
                    row.number,
                    column,
                    text,
                    f"{column}に日本語の文字（かな・漢字）があります。英語のページでは英語として"
                    "読み上げられます。英語の列には英語だけを入力してください。",
                )
        return {field: parsed[columns[field]] for field in fields if columns[field] in parsed}

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

    def _item(self, row, plan, code):
        item = self.items.get((plan.slug, code.key))
        if item is None:
            self.error(
                row.sheet,
                row.number,
                "取組番号",
                code.text,
                f"計画「{plan.slug}」に取組番号「{code.text}」の取組はありません。"
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
                f"{wareki.fiscal_year_label(year)}は計画「{plan.slug}」の評価の対象年度"
                f"（{plan.fiscal_years_label}）の外です。",
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

    def _record_master(self, sheet, row, obj, new_values, key_label, links=None):
        """Compare with the current values; plan a create or update, or count unchanged.

        ``links``: the row's many-to-many links (LINK_COLUMNS), None when its column is absent.
        """
        summary = self.summaries[sheet]
        columns = COLUMNS_BY_FIELD[type(obj)]
        link_column, link_field, link_state = LINK_COLUMNS.get(type(obj), (None, None, None))
        if obj.pk is None and not getattr(obj, "_planned", False):
            for name, value in new_values.items():
                setattr(obj, name, value)
            obj._planned = True
            write = MasterWrite("create", obj, sheet, row.number, None, list(new_values), links)
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
                    + ([(link_column, None, [a.name for a in links])] if links else []),
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
        links_changed = None
        if links is not None:
            current = getattr(self, link_state).get(obj.pk, [])
            current_ids = sorted(a.pk for a in current if a.pk)
            if (
                obj.pk is None
                or sorted(a.pk for a in links if a.pk) != current_ids
                or any(a.pk is None for a in links)
            ):
                links_changed = links
                before[link_field] = [a.name for a in current]
        if not changed and links_changed is None:
            summary.unchanged += 1
            return
        write = MasterWrite("update", obj, sheet, row.number, before, changed, links_changed)
        self.master_writes.append(write)
        summary.updated += 1
        fields_shown = [(columns.get(n, n), before[n], getattr(obj, n)) for n in changed]
        if links_changed is not None:
            fields_shown.append((link_column, before[link_field], [a.name for a in links_changed]))
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
