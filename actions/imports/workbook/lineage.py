"""旧取組番号: which items of the revised plan an item of a revision takes over.

The column holds codes of the previous version's items (「3、5」). One code:
the item continues that item; several: it merges them. The links are read
after every 取組 row, so the previous version's items may come later in the
file than the revision's, and they are planned as part of the item's write
(its change list and audit name 旧取組番号).
"""

import re

from actions.imports.workbook import sheets as S
from actions.imports.workbook import values as V
from actions.imports.workbook.checks import RowChecks, RowInvalid, item_label
from actions.imports.workbook.results import Change, MasterWrite
from actions.models import ItemLineage

COLUMN = "旧取組番号"
# Not 「/」 or 「-」: codes contain them (「1-(2)」「a/b」).
SEPARATORS = re.compile(r"[、，,;；・\n]")


def codes_label(items):
    return "、".join(item.code for item in items)


class LineageRows(RowChecks):
    def _note_lineage(self, row, plan, item):
        """Remember an item row's 旧取組番号 cell for _check_lineage (column present only)."""
        if not row.has(COLUMN):
            return
        texts = self._cell(row, COLUMN, V.clean_text)
        codes = []
        for text in filter(None, (part.strip(" \u3000") for part in SEPARATORS.split(texts))):
            try:
                code = V.parse_item_code(text)
            except V.CellError as exc:
                self.error(row.sheet, row.number, COLUMN, text, str(exc))
                raise RowInvalid from exc
            if code.key not in {c.key for c in codes}:
                codes.append(code)
        self._pending_lineage.append((row, plan, item, codes))

    def _revised_plan(self, plan):
        if hasattr(plan, "_revises_slug"):
            return self.plans.get(plan._revises_slug) if plan._revises_slug else None
        if plan.revises_id is None:
            return None
        return next((p for p in self.plans.values() if p.pk == plan.revises_id), None)

    def _check_lineage(self):
        for row, plan, item, codes in self._pending_lineage:
            try:
                predecessors = self._predecessors(row, plan, codes)
            except RowInvalid:
                continue
            current = self.lineage.get(item.pk, []) if item.pk else []
            new_ids = [p.pk for p in predecessors]
            if None not in new_ids and set(new_ids) == {p.pk for p in current}:
                continue
            self._plan_lineage(row, item, current, predecessors)

    def _predecessors(self, row, plan, codes):
        if not codes:
            return []
        previous = self._revised_plan(plan)
        if previous is None:
            self.error(
                row.sheet,
                row.number,
                COLUMN,
                "、".join(c.text for c in codes),
                f"計画「{plan.slug}」には改定元の計画がないため、旧取組番号は指定できません"
                "（計画シートの改定元計画IDで改定元を指定してください）。",
            )
            raise RowInvalid
        found, failed = [], False
        for code in codes:
            item = self.items.get((previous.slug, code.key))
            if item is None:
                self.error(
                    row.sheet,
                    row.number,
                    COLUMN,
                    code.text,
                    f"改定元の計画「{previous.slug}」に取組番号「{code.text}」の取組はありません。",
                )
                failed = True
            else:
                found.append(item)
        if failed:
            raise RowInvalid
        return found

    def _plan_lineage(self, row, item, current, predecessors):
        """Add the links to the item's planned write, or plan a write of the links alone."""
        write = next((w for w in self.master_writes if w.obj is item), None)
        before, after = codes_label(current) or None, codes_label(predecessors) or None
        if write is None:
            write = MasterWrite("update", item, S.ITEM.name, row.number, {}, [])
            self.master_writes.append(write)
            summary = self.summaries[S.ITEM.name]
            summary.unchanged -= 1
            summary.updated += 1
            self.changes.append(Change(row.sheet, row.number, "update", self._item_key(item), []))
        write.lineage = predecessors
        if write.before is not None:
            write.before[COLUMN] = before
        change = next(
            c for c in reversed(self.changes) if c.sheet == row.sheet and c.row == row.number
        )
        change.fields.append((COLUMN, before if write.kind == "update" else None, after))

    def _item_key(self, item):
        return f"{item.plan.slug} {item_label(item)}"


def save_links(writes):
    """Replace the links of the items whose 旧取組番号 changed (their pks are set by now)."""
    writes = [w for w in writes if getattr(w, "lineage", None) is not None]
    if not writes:
        return
    ItemLineage.objects.filter(item_id__in=[w.obj.pk for w in writes]).delete()
    ItemLineage.objects.bulk_create(
        [ItemLineage(item_id=w.obj.pk, predecessor_id=p.pk) for w in writes for p in w.lineage]
    )
