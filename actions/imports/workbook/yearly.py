"""The yearly sheets: 達成状況 and 指標実績.

These are checked here against the same rules actions.services applies
(validate_status, check_year_open) so the dry run lists every refusal; the
planned writes (status_writes, actual_writes) still go through the services
when applied, which check again inside the transaction.
"""

from django.core.exceptions import ValidationError

from actions import services
from actions.imports.workbook import sheets as S
from actions.imports.workbook import values as V
from actions.imports.workbook.checks import RowChecks, RowInvalid, item_label
from actions.imports.workbook.results import REASON_MISSING, Change
from actions.models import Status
from plans import wareki


class YearlyRows(RowChecks):
    # 達成状況

    def _status_row(self, row, seen):
        plan = self._plan(row)
        parsed = self._cells(
            row,
            [
                ("取組番号", V.parse_item_code, {"required": True}),
                ("年度", V.parse_fiscal_year, {"required": True}),
                ("達成状況", V.parse_status, {}),
                ("備考", V.clean_text, {}),
            ],
        )
        code, year, status = parsed["取組番号"], parsed["年度"], parsed.get("達成状況", "")
        self._check_unique(row, seen, (plan.slug, code.key, year), ["計画ID", "取組番号", "年度"])
        item = self._item(row, plan, code)
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
            # History brought in may lack reasons: warned below, not refused (the form still asks).
            services.validate_status(item, year, status, comment, comment_required=False)
            services.check_year_open(plan, year, self.locked_years[plan.slug])
        except ValidationError as exc:
            column = {"comment_required": "備考", "invalid_status": "達成状況"}.get(
                exc.code, "年度"
            )
            self.error(
                row.sheet, row.number, column, row.values.get(column), " ".join(exc.messages)
            )
            raise RowInvalid from exc
        if status in services.COMMENT_REQUIRED and not comment.strip():
            self.warn(
                REASON_MISSING,
                row.sheet,
                row.number,
                "備考",
                "",
                f"{item_label(item)} {wareki.fiscal_year_label(year, with_western=False)}: "
                f"「{Status(status).label}」ですが備考（理由）がありません。取り込めますが、"
                "画面で記録するときは理由が必要です。",
            )
        self.status_writes.append((row.number, item, year, status, comment, current))
        kind = "create" if current is None else "update"
        setattr(summary, kind + "d", getattr(summary, kind + "d") + 1)
        self.changes.add_yearly(
            lambda: _status_change(row, kind, plan, item, year, status, comment, current)
        )

    # 指標実績

    def _actual_row(self, row, seen):
        plan = self._plan(row)
        parsed = self._cells(
            row,
            [
                ("取組番号", V.parse_item_code, {"required": True}),
                ("指標名", V.clean_text, {"required": True}),
                ("年度", V.parse_fiscal_year, {"required": True}),
                ("実績値", V.parse_decimal, {}),
            ],
        )
        code, name, year, value = (
            parsed["取組番号"],
            parsed["指標名"],
            parsed["年度"],
            parsed.get("実績値"),
        )
        self._check_unique(
            row,
            seen,
            (plan.slug, code.key, V.match_key(name), year),
            ["計画ID", "取組番号", "指標名", "年度"],
        )
        item = self._item(row, plan, code)
        kpi = self.kpis.get(self._kpi_key(item, name))
        if kpi is None:
            self.error(
                row.sheet,
                row.number,
                "指標名",
                name,
                f"{item_label(item)}に指標「{name}」は登録されていません。指標シートで追加してください。",
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
        self.changes.add_yearly(
            lambda: Change(
                row.sheet,
                row.number,
                kind,
                f"{plan.slug} {item_label(item)} 指標「{name}」 "
                f"{wareki.fiscal_year_label(year, with_western=False)}",
                [("実績値", current.value if current else None, value)],
            )
        )


def _status_change(row, kind, plan, item, year, status, comment, current):
    before_label = current.status_label if current else "未評価"
    fields_shown = []
    after_label = str(Status(status).label) if status else "未評価"
    if current is None or current.status != status:
        fields_shown.append(("達成状況", before_label if current else None, after_label))
    if (current.comment if current else "") != comment:
        fields_shown.append(("備考", current.comment if current else None, comment))
    return Change(
        row.sheet,
        row.number,
        kind,
        f"{plan.slug} {item_label(item)} {wareki.fiscal_year_label(year, with_western=False)}",
        fields_shown,
    )
