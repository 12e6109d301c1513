"""What an import reports: errors per cell, counts per sheet, the planned changes.

Plain value objects: the validation fills them, apply.py writes the
MasterWrites, and the import pages show the rest.
"""

from dataclasses import dataclass, field


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
