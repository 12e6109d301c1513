"""Tables of the public pages (django-tables2), shown on screen and exported from the same class.

On screen the headers and labels are in the page's language and the plan's words
in their translation where they have one; the files are the town's data, in
Japanese whatever the page's language (reports.views._area_export).
"""

import csv
import io

import django_tables2 as tables
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponse
from django.utils.encoding import force_str
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2.data import TableQuerysetData
from openpyxl import Workbook
from openpyxl.workbook.child import INVALID_TITLE_REGEX

from actions.models import NOT_EVALUATED_LABEL, Status
from actions.tables import BoundedPages
from plans.templatetags.translated import tr
from reports.exporting import content_disposition, safe_cell
from reports.queries import area_listing, area_page

STATUS_ORDER = [
    Status.ACHIEVED,
    Status.PARTIALLY_ACHIEVED,
    Status.NOT_ACHIEVED,
    Status.UNDETERMINABLE,
]


def with_status_rank(queryset):
    """Order 達成 → 一部達成 → 未達成 → 判定不可 → 未評価 when sorting by status."""
    return queryset.annotate(
        status_rank=Case(
            *(When(status=value, then=Value(rank)) for rank, value in enumerate(STATUS_ORDER)),
            default=Value(len(STATUS_ORDER)),
            output_field=IntegerField(),
        )
    )


def status_label(value):
    return Status(value).label if value else NOT_EVALUATED_LABEL


def status_badge(value):
    return format_html(
        '<span class="badge badge--{}">{}</span>', value or "none", status_label(value)
    )


class AccessibleTable(BoundedPages, tables.Table):
    """A table with a caption, th scope="col" and aria-sort (see the template)."""

    caption = ""

    def __init__(self, *args, caption=None, **kwargs):
        super().__init__(*args, **kwargs)
        if caption is not None:
            self.caption = caption

    class Meta:
        template_name = "django_tables2/accessible.html"
        attrs = {"class": "data-table"}


class AreaItemsTable(AccessibleTable):
    code = tables.Column(
        gettext_lazy("番号"),
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
        order_by=("sort_key", "code_key"),
    )
    title = tables.Column(gettext_lazy("取組名"), linkify=False)
    is_relisted = tables.Column(
        gettext_lazy("再掲"), orderable=True, order_by=("is_relisted", "sort_key")
    )
    status = tables.Column(
        gettext_lazy("達成状況"), empty_values=(), order_by=("status_rank", "sort_key")
    )
    comment = tables.Column(gettext_lazy("備考"), empty_values=(), orderable=False)
    primary_area = tables.Column(
        gettext_lazy("主な区分"), accessor="primary_area__name", visible=False
    )
    name_published = tables.Column(gettext_lazy("名称の公表"), visible=False)

    class Meta(AccessibleTable.Meta):
        template_name = "reports/includes/area_items_table.html"
        attrs = {"class": "data-table data-table--items"}
        empty_text = gettext_lazy("この区分に取組はありません。")
        per_page = 25
        order_by = ("code",)

    def screen_rows(self):
        """The page's rows for the screen: [(tr attributes, [(td attributes, header, cell)])].

        The cells of BoundRow.items(), rendered here: django-tables2 inspects a
        render method's signature and recomputes a column's attributes for every
        cell, which costs more than the cell. This table's td attributes depend on
        the column only, so they are worked out once (tests/reports compare the
        output with django-tables2's own).
        """
        columns = [
            (column.name, column.column, column.attrs["td"].as_html(), column.header)
            for column in self.columns
        ]
        renderers = {
            "title": lambda value, record: self.render_title(record),
            "is_relisted": self.render_is_relisted,
            "status": lambda value, record: self.render_status(value),
            "comment": self.render_comment,
        }
        rows = []
        for row in self.paginated_rows:
            record = row.record
            cells = []
            for name, column, attrs, header in columns:
                value = getattr(record, name)
                if value in column.empty_values:
                    cell = column.default
                elif name in renderers:
                    cell = renderers[name](value, record)
                else:
                    cell = value
                cells.append((attrs, header, cell))
            rows.append((row.attrs.as_html(), cells))
        return rows

    def render_title(self, record):
        link = format_html('<a href="{}">{}</a>', record.get_absolute_url(), tr(record, "title"))
        if record.name_published:
            return link
        return format_html('<span class="tag tag--placeholder">{}</span> {}', _("名称未公表"), link)

    def render_is_relisted(self, value, record):
        if value:
            main_area = mark_safe(
                conditional_escape(_("主な区分: %(area)s"))
                % {"area": conditional_escape(tr(record.primary_area, "name"))}
            )
            return format_html(
                '<span class="tag tag--relisted">{}</span> <span class="note">{}</span>',
                _("再掲"),
                main_area,
            )
        return ""

    def render_status(self, value):
        return status_badge(value)

    def render_comment(self, value, record):
        # The section's own words: not translated, marked Japanese on an English page.
        return tr(record, "comment") if value else ""

    def value_code(self, value):
        return safe_cell(value)

    def value_title(self, value):
        return safe_cell(value)

    def value_is_relisted(self, value):
        return _("再掲") if value else ""

    def value_status(self, value):
        return status_label(value)

    def value_comment(self, value):
        return safe_cell(value or "")

    def value_primary_area(self, value):
        return safe_cell(value)

    def value_name_published(self, value):
        return _("公表") if value else _("未公表")


UNKNOWN = object()


class AreaItemsData(TableQuerysetData):
    """An area's items for AreaItemsTable, counted and paged without the year's status join.

    ``rows`` (reports.queries.area_items) joins each item with the year's status.
    A page's items are chosen by reports.queries.area_page, and only they are
    joined; ``count``, when known (the area's 取組数 from the tallies), spares
    counting the items. A sort by status needs the join: the whole order is worked
    out once per version of the year's data, given ``fiscal_year`` (the year of ``rows``).
    """

    JOINED = {"status", "status_rank", "comment"}

    def __init__(self, rows, area, count=None, fiscal_year=UNKNOWN):
        super().__init__(rows)
        self.area = area
        self._length = count
        self.fiscal_year = fiscal_year

    def __len__(self):
        if self._length is None:
            self._length = area_listing(self.area).count()
        return self._length

    def __getitem__(self, key):
        order_by = [str(field) for field in self.data.query.order_by]
        if not isinstance(key, slice):
            return super().__getitem__(key)
        if self.JOINED.intersection(f.lstrip("-") for f in order_by):
            if self.fiscal_year is UNKNOWN:
                return super().__getitem__(key)
            return self.data.filter(pk__in=self._sorted_ids(order_by)[key])
        return self.data.filter(pk__in=area_page(self.area, order_by, key))

    def _sorted_ids(self, order_by):
        """Every listed item's id in a joined order (by status: all the area's items sorted),
        kept in the cache until the data of the area's plan and year changes."""
        from reports import cache

        year = self.fiscal_year
        key = (
            f"area-order:{self.area.pk}:{year}:"
            f"{cache.request_versions().of(self.area.plan_id, year)}:{','.join(order_by)}"
        )
        return cache.cache.get_or_set(
            key, lambda: list(self.data.values_list("pk", flat=True)), cache.TIMEOUT
        )


EXPORT_FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SORTS = tuple(
    f"{sign}{name}" for name in ("code", "title", "is_relisted", "status") for sign in ("", "-")
)


def table_file(table, export_format, title="取組"):
    """Every row of a configured table as a CSV (BOM, for Japanese Excel) or xlsx file's bytes.

    The columns, headers and cells of django-tables2's export (every column not
    excluded from it, each cell through the table's ``value_*`` method), read
    from the ordered queryset as tuples and written as they come: csv.writer, or
    openpyxl's write-only mode (no cell objects kept).
    """
    columns = [c for c in table.columns.iterall() if not c.column.exclude_from_export]
    header = [force_str(column.header, strings_only=True) for column in columns]
    cells = [(getattr(table, f"value_{c.name}"), c.column.empty_values) for c in columns]
    records = table.data.data.values_list(*(str(c.accessor) for c in columns))

    def rows():
        yield header
        for record in records.iterator(chunk_size=2000):
            yield [
                None if value in empty else force_str(to_cell(value), strings_only=True)
                for (to_cell, empty), value in zip(cells, record, strict=True)
            ]

    if export_format == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        csv.writer(buffer, lineterminator="\r\n").writerows(rows())
        return buffer.getvalue().encode("utf-8")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(INVALID_TITLE_REGEX.sub("-", title) or "取組")
    for values in rows():
        sheet.append(values)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def download(content, export_format, filename):
    response = HttpResponse(content, content_type=CONTENT_TYPES[export_format])
    response["Content-Disposition"] = content_disposition(f"{filename}.{export_format}")
    return response
