"""What an import reports: errors and warnings per cell, counts per sheet, the planned changes.

Plain value objects: the validation fills them, apply.py writes the
MasterWrites, and the import pages show the rest. Values are shown as people
read them in the sheet (12, not 12.000; 令和7年度, not 2025).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Model

from plans import wareki

# Columns whose numbers are fiscal years.
YEAR_COLUMNS = frozenset({"年度", "基準年度", "目標年度"})


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
class RowWarning(RowError):
    """A row that imports, but that the admin should look at before confirming.

    ``kind`` groups warnings of one sort so the dry run counts them.
    """

    kind: str = ""

    @property
    def kind_label(self):
        return WARNING_KINDS.get(self.kind, "注意")


REASON_MISSING = "reason_missing"
SECTION_SPELLING = "section_spelling"
STAFF_WITHOUT_SECTION = "staff_without_section"
JAPANESE_IN_ENGLISH = "japanese_in_english"
WARNING_KINDS = {
    REASON_MISSING: "未達成・判定不可で備考（理由）のない行",
    SECTION_SPELLING: "登録済み（またはこのファイルで追加する）担当課とみなした表記",
    STAFF_WITHOUT_SECTION: "担当課のない職員・課長",
    JAPANESE_IN_ENGLISH: "英語の列に日本語の文字がある行",
}


def shown(column, value):
    """A value as the dry run shows it: as people read it in the sheet."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if column in YEAR_COLUMNS and isinstance(value, int):
        return wareki.fiscal_year_label(value, with_western=False)
    if isinstance(value, Decimal):
        normal = value.normalize()
        return f"{normal:f}" if normal != normal.to_integral() else f"{normal.quantize(1):f}"
    if isinstance(value, datetime.date):
        western = f"{value.year}/{value.month}/{value.day}"
        try:
            return f"{wareki.date_label(value)}（{western}）"
        except wareki.WarekiError:
            return western
    if isinstance(value, Model):
        # 改定元計画ID names a plan by its ID, as the sheet does.
        return value.slug if column.endswith("ID") and hasattr(value, "slug") else str(value)
    if isinstance(value, list | tuple):
        return "、".join(str(shown(column, v) or "") for v in value) or None
    return str(value)


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


@dataclass(slots=True)  # one per changed row: up to 100,000
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

    @property
    def shown_fields(self):
        """(column, before, after) with each value as people read it."""
        return [
            (column, shown(column, before), shown(column, after))
            for column, before, after in self.fields
        ]


class ChangeList(list):
    """The planned changes the dry run lists: every master row's, and the first
    YEARLY_KEPT of the yearly rows' (a yearly sheet may change 100,000 rows and
    the page shows the first few hundred); ``len()`` counts them all."""

    YEARLY_KEPT = 1000

    def __init__(self):
        super().__init__()
        self.not_kept = 0

    def add_yearly(self, make):
        """Append ``make()`` (a Change) while fewer than YEARLY_KEPT are kept; else count it."""
        if super().__len__() < self.YEARLY_KEPT:
            self.append(make())
        else:
            self.not_kept += 1

    def __len__(self):
        return super().__len__() + self.not_kept


@dataclass
class MasterWrite:
    kind: str
    obj: object
    sheet: str
    row: int
    before: dict | None
    fields: list  # model field names changed
    # The new many-to-many links, when they change (checks.LINK_COLUMNS): an item's
    # 再掲区分, an area's 国計画の重点取組事項.
    links: list | None = None
    lineage: list | None = None  # new 旧取組番号 (items of the revised plan), when they change
