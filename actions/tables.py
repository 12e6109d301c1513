"""Tables of the staff workflow; the audit log page and its CSV come from the same class."""

from decimal import Decimal, InvalidOperation

import django_tables2 as tables
from django.utils import timezone

from actions.models import AuditEntry, Kpi
from plans import wareki

FIELD_LABELS = {
    "status_label": "達成状況",
    "comment": "備考",
    "evidence": "根拠・内部メモ",
    "state_label": "評価作業の状態",
    "round_label": "評価作業",
    "deadline_label": "締切日",
    "value": "実績値",
    "is_locked": "確定",
    "is_published": "公表",
}
EMPTY = "（なし）"
# What a status row's fields read as before it was first recorded.
BEFORE_FIRST_RECORD = {"status_label": "未評価", "state_label": "未入力"}
MAX_PER_PAGE = 200


class BoundedPages:
    """Keeps ?per_page= within 1..MAX_PER_PAGE: a negative or huge number is no 500.

    A page number past either end already shows the last page (RequestConfig's
    silent mode); the page size is the one value it passes on unchecked.
    """

    def paginate(self, *args, per_page=None, **kwargs):
        if per_page is not None:
            per_page = min(max(per_page, 1), MAX_PER_PAGE)
        return super().paginate(*args, per_page=per_page, **kwargs)


def _text(value):
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    return str(value)


def _value_text(value, unit):
    """A KPI value as typed, its unit after: the stored 「340.000」 reads 「340人」."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return _text(value)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}{unit}"


def change_lines(entry, unit=""):
    """The changed fields of an audit entry as (label, before, after) texts, explicitly.

    ``unit`` is the KPI's unit for an entry of a KPI actual (the entry keeps only the value).
    """
    before, after = entry.before or {}, entry.after or {}
    lines = []
    for key, label in FIELD_LABELS.items():
        if key not in before and key not in after:
            continue
        old, new = before.get(key), after.get(key)
        if entry.before is None and key in BEFORE_FIRST_RECORD:
            old = BEFORE_FIRST_RECORD[key]
        if key == "value":
            old, new = (_value_text(v, unit) if v not in (None, "") else v for v in (old, new))
        old, new = _text(old), _text(new)
        if old != new:  # a field left empty on both sides is not a change
            lines.append((label, old, new))
    return lines


KPI_ACTION = "指標実績の記録"


def kpi_name(entry):
    """The KPI an entry of a KPI actual names: its object_repr is 「<取組> / <指標名>」."""
    return entry.object_repr.rsplit(" / ", 1)[-1]


def kpi_units(entries):
    """{(item id, KPI name): unit} for the KPI actuals among ``entries``: one query, or none."""
    item_ids = {entry.item_id for entry in entries if entry.action == KPI_ACTION and entry.item_id}
    if not item_ids:
        return {}
    kpis = Kpi.objects.filter(item_id__in=item_ids).values_list("item_id", "name", "unit")
    return {(item_id, name): unit for item_id, name, unit in kpis}


def entry_unit(entry, units):
    if entry.action != KPI_ACTION:
        return ""
    return units.get((entry.item_id, kpi_name(entry)), "")


def describe_change(entry, unit=""):
    """One line of plain text: 「達成状況: 未評価 → 達成 / 備考: （なし） → ……」."""
    lines = change_lines(entry, unit)
    text = " / ".join(f"{label}: {old} → {new}" for label, old, new in lines)
    if entry.after is None and entry.before is not None and not text:
        text = "削除"
    return text


def local_time_text(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


class AuditEntryTable(BoundedPages, tables.Table):
    """On a phone each entry reads as a card: the action, its time, then the details."""

    caption = "変更履歴（新しい順）"
    at = tables.Column(verbose_name="日時", attrs={"td": {"class": "nowrap card-meta"}})
    # The names as they were when the change was recorded.
    user = tables.Column(verbose_name="利用者", accessor="username", default="（不明）")
    action = tables.Column(verbose_name="操作", attrs={"td": {"class": "audit-action card-title"}})
    source = tables.Column(verbose_name="経路", attrs={"td": {"class": "nowrap"}})
    fiscal_year = tables.Column(verbose_name="年度", default="", attrs={"td": {"class": "nowrap"}})
    object_repr = tables.Column(verbose_name="対象", attrs={"td": {"class": "audit-target"}})
    section = tables.Column(
        verbose_name="担当課",
        accessor="section_name",
        default="",
        attrs={"td": {"class": "audit-section"}},
    )
    change = tables.Column(
        verbose_name="変更内容（変更前 → 変更後）",
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "audit-change"}},
    )
    reason = tables.Column(verbose_name="理由", default="", attrs={"td": {"class": "audit-reason"}})

    class Meta:
        template_name = "django_tables2/accessible.html"
        attrs = {"class": "data-table data-table--cards data-table--audit"}
        model = AuditEntry
        fields = (
            "at",
            "user",
            "action",
            "source",
            "fiscal_year",
            "object_repr",
            "section",
            "change",
            "reason",
        )
        sequence = fields
        orderable = False
        empty_text = "条件に合う変更履歴はありません。"

    def render_at(self, value):
        return local_time_text(value)

    def render_fiscal_year(self, value):
        return wareki.fiscal_year_label(value, with_western=False)

    def render_object_repr(self, value, record):
        """An item's entry names its plan's version: plans 1.0 and 2.0 both have an item 5."""
        if record.item_id and record.plan:
            return f"{record.plan.version}版 {value}"
        return value

    def render_change(self, record):
        return describe_change(record, entry_unit(record, self._kpi_units()))

    def _kpi_units(self):
        """The units of the KPIs this page (or the CSV) names, looked up once."""
        if not hasattr(self, "_units"):
            page = getattr(self, "page", None)
            records = [row.record for row in page.object_list] if page else self.data
            self._units = kpi_units(records)
        return self._units

    def value_fiscal_year(self, value):
        return value if value is not None else ""

    def value_user(self, value):
        return value or ""
