"""django-import-export Resources: the row mapping of each sheet of the exchange workbook.

One Resource per sheet; its column names are the sheet's header (sheets.py)
and its values are native (int, date, Decimal) so an .xlsx export keeps
numbers and dates as such. The workbook export and the Django admin's export
both use these, so the admin's download and the workbook are the same format.
Imports do not go through these Resources' import path: statuses and KPI
actuals must go through actions.services, which the workbook importer does.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count
from import_export import fields, resources

from actions.imports.workbook import sheets as S
from actions.models import ActionItem, ItemLineage, Kpi, KpiActual, Status, YearlyStatus
from plans.models import NationalPlanItem, Plan, PriorityArea, Section, WorkingGroup
from plans.translated import EASY_JAPANESE, ENGLISH, SUFFIXES, translated_field_names

LIST_JOIN = "、"
EN, EASY = ENGLISH, EASY_JAPANESE


def _column(name, attribute=None):
    return fields.Field(column_name=name, attribute=attribute, readonly=True)


def _translation(name, attribute, language):
    """The column 「取組名（英語）」 of ``attribute`` + _en (plans.translated)."""
    return _column(S.translation_column(name, language), attribute + SUFFIXES[language])


def _num(value):
    """Decimal(\"74.000\") -> Decimal(\"74\"): what people typed, not the storage scale."""
    if value is None:
        return None
    normalized = value.normalize()
    return normalized.quantize(1) if normalized == normalized.to_integral() else normalized


class SheetResource(resources.ModelResource):
    sheet = None  # the SheetDef whose header these columns are

    def export_rows(self, queryset):
        """The sheet's rows as lists of native values (the workbook export writes these)."""
        return [list(row) for row in self.export(queryset, force_native_type=True)]

    def export_field(self, field, instance, **kwargs):
        # Native values (int, date, Decimal) rather than the widgets' strings.
        if getattr(self, f"dehydrate_{self.get_field_name(field)}", None) is None:
            value = field.get_value(instance)
            return _num(value) if isinstance(value, Decimal) else value
        return super().export_field(field, instance, **kwargs)


class PlanResource(SheetResource):
    sheet = S.PLAN
    plan_id = _column("計画ID", "slug")
    plan_name = _column("計画名", "name")
    plan_version = _column("版", "version")
    published = _column("策定年月", "published_on")
    start = _column("計画期間開始", "period_start")
    end = _column("計画期間終了", "period_end")
    revises_id = _column("改定元計画ID")
    plan_name_en = _translation("計画名", "name", EN)
    plan_name_easy = _translation("計画名", "name", EASY)

    class Meta:
        model = Plan
        fields = (
            "plan_id",
            "plan_name",
            "plan_version",
            "published",
            "start",
            "end",
            "revises_id",
            "plan_name_en",
            "plan_name_easy",
        )
        export_order = fields

    def get_queryset(self):
        return Plan.objects.select_related("revises")

    def dehydrate_revises_id(self, plan):
        return plan.revises.slug if plan.revises_id else ""


class PriorityAreaResource(SheetResource):
    sheet = S.AREA
    plan_id = _column("計画ID", "plan__slug")
    area_number = _column("番号", "number")
    area_name = _column("区分名", "name")
    initiatives = _column("主な取組", "main_initiatives")
    alignment = _column("国計画との整合", "national_alignment")
    national = _column("国計画の重点取組事項")
    alias_text = _column("別表記")
    area_name_en = _translation("区分名", "name", EN)
    area_name_easy = _translation("区分名", "name", EASY)
    initiatives_en = _translation("主な取組", "main_initiatives", EN)
    initiatives_easy = _translation("主な取組", "main_initiatives", EASY)

    class Meta:
        model = PriorityArea
        fields = (
            "plan_id",
            "area_number",
            "area_name",
            "initiatives",
            "alignment",
            "national",
            "alias_text",
            "area_name_en",
            "area_name_easy",
            "initiatives_en",
            "initiatives_easy",
        )
        export_order = fields

    def get_queryset(self):
        return PriorityArea.objects.select_related("plan").prefetch_related("national_items")

    def dehydrate_alias_text(self, area):
        return LIST_JOIN.join(area.alias_list)

    def dehydrate_national(self, area):
        # A name two editions share is written with its edition, as the import reads it.
        shared = self._shared_names()
        return LIST_JOIN.join(
            f"{item.name}（{item.edition}）" if item.name in shared else item.name
            for item in area.national_items.all()
        )

    def _shared_names(self):
        if getattr(self, "_shared", None) is None:
            self._shared = set(
                NationalPlanItem.objects.values("name")
                .annotate(editions=Count("id"))
                .filter(editions__gt=1)
                .values_list("name", flat=True)
            )
        return self._shared


class ActionItemResource(SheetResource):
    sheet = S.ITEM
    plan_id = _column("計画ID", "plan__slug")
    item_number = _column("取組番号", "code")
    item_title = _column("取組名", "title")
    area = _column("重点施策区分", "primary_area__name")
    relisted = _column("再掲区分")
    section_name = _column("担当課")
    summary = _column("概要", "description")
    item_title_en = _translation("取組名", "title", EN)
    item_title_easy = _translation("取組名", "title", EASY)
    previous_codes = _column("旧取組番号")

    class Meta:
        model = ActionItem
        fields = (
            "plan_id",
            "item_number",
            "item_title",
            "area",
            "relisted",
            "section_name",
            "summary",
            "item_title_en",
            "item_title_easy",
            "previous_codes",
        )
        export_order = fields
        # With prefetch_related the export pages with OFFSET: 2,000 a page, not 100.
        chunk_size = 2000

    def get_queryset(self):
        # Explicitly ordered: with prefetch_related, import-export pages an unordered
        # queryset by pk, which is the order items were added, not natural order.
        return (
            ActionItem.objects.select_related("plan", "primary_area", "section")
            .prefetch_related("relisted_areas", "predecessors")
            .order_by("plan__published_on", "plan__slug", "sort_key", "code_key")
        )

    def export_rows(self, queryset):
        """export()'s rows from tuples and three queries, not an instance per item."""
        items = queryset.values("pk")
        relisted = defaultdict(list)
        for item_id, name in (
            ActionItem.relisted_areas.through.objects.filter(actionitem_id__in=items)
            .order_by("actionitem_id", "priorityarea__number")
            .values_list("actionitem_id", "priorityarea__name")
        ):
            relisted[item_id].append(name)
        previous = defaultdict(list)
        for item_id, code in (
            ItemLineage.objects.filter(item_id__in=items)
            .order_by("item_id", *(f"predecessor__{f}" for f in ActionItem._meta.ordering))
            .values_list("item_id", "predecessor__code")
        ):
            previous[item_id].append(code)
        sections = {section.pk: str(section) for section in Section.objects.all()}
        for pk, slug, code, title, area, section_id, description, *titles in queryset.values_list(
            "pk",
            "plan__slug",
            "code",
            "title",
            "primary_area__name",
            "section_id",
            "description",
            *translated_field_names("title"),
        ).iterator(chunk_size=5000):
            yield [
                slug,
                code,
                title,
                area,
                LIST_JOIN.join(relisted[pk]),
                sections.get(section_id, ""),
                description,
                *titles,
                LIST_JOIN.join(previous[pk]),
            ]

    def dehydrate_previous_codes(self, item):
        return LIST_JOIN.join(p.code for p in item.predecessors.all())

    def dehydrate_relisted(self, item):
        areas = sorted(item.relisted_areas.all(), key=lambda area: area.number)
        return LIST_JOIN.join(area.name for area in areas)

    def dehydrate_section_name(self, item):
        return str(item.section) if item.section_id else ""


class YearlyStatusResource(SheetResource):
    sheet = S.STATUS
    plan_id = _column("計画ID", "item__plan__slug")
    item_number = _column("取組番号", "item__code")
    year = _column("年度", "fiscal_year")
    status_label = _column("達成状況")
    note = _column("備考", "comment")

    class Meta:
        model = YearlyStatus
        fields = ("plan_id", "item_number", "year", "status_label", "note")
        export_order = fields

    def get_queryset(self):
        return YearlyStatus.objects.select_related("item__plan").order_by(
            "item__plan__published_on", "item__sort_key", "fiscal_year"
        )

    def dehydrate_status_label(self, status):
        return status.get_status_display() if status.status else ""

    def export_rows(self, queryset):
        """export()'s rows, read as tuples and streamed: a plan may hold 100,000 of them."""
        labels = {value: str(label) for value, label in Status.choices}
        for slug, code, year, status, comment in queryset.values_list(
            "item__plan__slug", "item__code", "fiscal_year", "status", "comment"
        ).iterator(chunk_size=5000):
            yield [slug, code, year, labels.get(status, status) if status else "", comment]


class KpiResource(SheetResource):
    sheet = S.KPI
    plan_id = _column("計画ID", "item__plan__slug")
    item_number = _column("取組番号", "item__code")
    kpi_name = _column("指標名", "name")
    kpi_unit = _column("単位", "unit")
    baseline = _column("基準値")
    baseline_fy = _column("基準年度", "baseline_year")
    target = _column("目標値")
    target_fy = _column("目標年度", "target_year")
    kpi_name_en = _translation("指標名", "name", EN)
    kpi_name_easy = _translation("指標名", "name", EASY)
    kpi_unit_en = _translation("単位", "unit", EN)
    kpi_unit_easy = _translation("単位", "unit", EASY)

    class Meta:
        model = Kpi
        fields = (
            "plan_id",
            "item_number",
            "kpi_name",
            "kpi_unit",
            "baseline",
            "baseline_fy",
            "target",
            "target_fy",
            "kpi_name_en",
            "kpi_name_easy",
            "kpi_unit_en",
            "kpi_unit_easy",
        )
        export_order = fields

    def get_queryset(self):
        return Kpi.objects.select_related("item__plan").order_by(
            "item__plan__published_on", "item__sort_key", "id"
        )

    def dehydrate_baseline(self, kpi):
        return _num(kpi.baseline_value)

    def dehydrate_target(self, kpi):
        return _num(kpi.target_value)


class KpiActualResource(SheetResource):
    sheet = S.KPI_ACTUAL
    plan_id = _column("計画ID", "kpi__item__plan__slug")
    item_number = _column("取組番号", "kpi__item__code")
    kpi_name = _column("指標名", "kpi__name")
    year = _column("年度", "fiscal_year")
    actual = _column("実績値")

    class Meta:
        model = KpiActual
        fields = ("plan_id", "item_number", "kpi_name", "year", "actual")
        export_order = fields

    def get_queryset(self):
        return KpiActual.objects.select_related("kpi__item__plan").order_by(
            "kpi__item__plan__published_on", "kpi__item__sort_key", "kpi_id", "fiscal_year"
        )

    def dehydrate_actual(self, actual):
        return _num(actual.value)

    def export_rows(self, queryset):
        """export()'s rows, read as tuples and streamed, as for 達成状況."""
        for slug, code, name, year, value in queryset.values_list(
            "kpi__item__plan__slug", "kpi__item__code", "kpi__name", "fiscal_year", "value"
        ).iterator(chunk_size=5000):
            yield [slug, code, name, year, _num(value)]


SHEET_RESOURCES = {
    S.PLAN.name: PlanResource,
    S.AREA.name: PriorityAreaResource,
    S.ITEM.name: ActionItemResource,
    S.STATUS.name: YearlyStatusResource,
    S.KPI.name: KpiResource,
    S.KPI_ACTUAL.name: KpiActualResource,
}


def queryset_for_plan(sheet_name, plan):
    """The rows of one sheet for one plan."""
    resource = SHEET_RESOURCES[sheet_name]()
    qs = resource.get_queryset()
    path = {
        S.PLAN.name: "pk",
        S.AREA.name: "plan",
        S.ITEM.name: "plan",
        S.STATUS.name: "item__plan",
        S.KPI.name: "item__plan",
        S.KPI_ACTUAL.name: "kpi__item__plan",
    }[sheet_name]
    return qs.filter(**{path: plan.pk if path == "pk" else plan})


# Simple master tables outside the workbook; the admin imports these directly.


class SectionResource(resources.ModelResource):
    class Meta:
        model = Section
        fields = ("name", "unit")
        import_id_fields = ("name",)
        skip_unchanged = True


class WorkingGroupResource(resources.ModelResource):
    class Meta:
        model = WorkingGroup
        fields = ("number", "name", "name_published")
        import_id_fields = ("number",)
        skip_unchanged = True
