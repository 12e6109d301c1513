"""The master sheets: 計画, 重点施策区分, 取組, 指標.

Each row is checked and compared with the loaded state; ``_record_master``
plans a create or update. Rows may refer to masters the same file adds
earlier in APPLY_ORDER (an item to a new area, a KPI to a new item), so each
handler puts what it planned back into the state for the rows after it.
"""

from actions.imports.workbook import sheets as S
from actions.imports.workbook import values as V
from actions.imports.workbook.checks import COLUMNS_BY_FIELD, RowChecks, RowInvalid, item_label
from actions.models import ActionItem, Kpi
from plans.models import Plan, PriorityArea

NATIONAL_COLUMN = "国計画の重点取組事項"


class MasterRows(RowChecks):
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
        plan = self.plans.get(slug) or Plan(town=self.town, slug=slug)
        new_values = {
            "name": parsed["計画名"],
            "version": parsed["版"],
            "published_on": parsed["策定年月"],
            "period_start": parsed["計画期間開始"],
            "period_end": parsed["計画期間終了"],
            **self._translations(row, Plan),
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
        probe = Plan(town=self.town, slug=slug, **new_values)
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
                (NATIONAL_COLUMN, V.split_list, {}),
                ("別表記", V.split_list, {}),
            ],
        )
        national = None
        if NATIONAL_COLUMN in parsed:
            national = self._national_items(row, parsed[NATIONAL_COLUMN])
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
        new_values.update(self._translations(row, PriorityArea))
        probe = PriorityArea(plan=plan, number=number, **new_values)
        self._model_errors(row, probe, COLUMNS_BY_FIELD[PriorityArea])
        self._record_master(
            S.AREA.name, row, area, new_values, f"{plan.slug} 区分{number}", national
        )
        area._row = row.number
        self.areas[plan.slug][number] = area

    def _national_items(self, row, names):
        """The national plan's items a cell names (「名前」 or 「名前（第5.0版）」), each once."""
        found, failed = [], False
        for text in names:
            key = V.match_key(text)
            matches = [i for i in self.national_items if V.match_key(i.name) == key] or [
                i for i in self.national_items if V.match_key(f"{i.name}（{i.edition}）") == key
            ]
            if len(matches) == 1:
                if matches[0] not in found:
                    found.append(matches[0])
                continue
            failed = True
            if matches:
                editions = "、".join(f"「{i.name}（{i.edition}）」" for i in matches)
                message = (
                    f"重点取組事項「{text}」は複数の版にあります。版を添えて {editions} の"
                    "ように入力してください。"
                )
            else:
                known = "、".join(dict.fromkeys(i.name for i in self.national_items))
                message = (
                    f"国計画の重点取組事項「{text}」は登録されていません。登録済みの名前で入力して"
                    f"ください（登録済み: {known or 'なし'}）。新しい事項は管理画面の"
                    "「国計画の項目」で追加します。"
                )
            self.error(row.sheet, row.number, NATIONAL_COLUMN, text, message)
        if failed:
            raise RowInvalid
        return found

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
        code = self._cell(row, "取組番号", V.parse_item_code, required=True)
        self._check_unique(row, seen, (plan.slug, code.key), ["計画ID", "取組番号"])
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
            try:
                section = self._resolve_section(row, "担当課", parsed["担当課"])
            except RowInvalid:
                failed = True
        if failed:
            raise RowInvalid
        item = self.items.get((plan.slug, code.key))
        if item is None:
            item = ActionItem(plan=plan, code=code.text)
            item.fill_code_keys()
        new_values = {"title": parsed["取組名"], "primary_area": primary}
        if "担当課" in parsed:
            new_values["section"] = section
        if "概要" in parsed:
            new_values["description"] = parsed["概要"]
        translations = self._translations(row, ActionItem)
        new_values.update(translations)
        probe = ActionItem(plan=plan, code=code.text, title=parsed["取組名"], **translations)
        self._model_errors(
            row,
            probe,
            {"title": "取組名", **{f: COLUMNS_BY_FIELD[ActionItem][f] for f in translations}},
        )
        self._record_master(
            S.ITEM.name, row, item, new_values, f"{plan.slug} {item_label(probe)}", relisted
        )
        self.items[(plan.slug, code.key)] = item
        self._note_lineage(row, plan, item)

    # 指標

    def _kpi_row(self, row, seen):
        plan = self._plan(row)
        code = self._cell(row, "取組番号", V.parse_item_code, required=True)
        name = self._cell(row, "指標名", V.clean_text, required=True)
        self._check_unique(
            row, seen, (plan.slug, code.key, V.match_key(name)), ["計画ID", "取組番号", "指標名"]
        )
        item = self._item(row, plan, code)
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
        new_values.update(self._translations(row, Kpi))
        probe = Kpi(item=item, **new_values)
        self._model_errors(row, probe, COLUMNS_BY_FIELD[Kpi])
        self._record_master(
            S.KPI.name, row, kpi, new_values, f"{plan.slug} {item_label(item)} 指標「{name}」"
        )
        self.kpis[key] = kpi


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
