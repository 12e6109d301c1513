"""Django admin for action items, statuses, KPIs and the audit log.

A YearlyStatus or KpiActual saved here goes through actions.services
(source 管理画面), so it is audited and a locked year stays read-only.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from actions import services
from actions.admin.deletions import RecordedDeletion, refusal_messages
from actions.admin.exports import SafeExportMixin
from actions.imports.resources import (
    ActionItemResource,
    KpiActualResource,
    KpiResource,
    YearlyStatusResource,
)
from actions.models import (
    ActionItem,
    AuditEntry,
    EvaluationYear,
    ItemLineage,
    Kpi,
    KpiActual,
    YearlyStatus,
)
from plans.towns import TownScoped
from plans.translations_admin import TranslationsFieldset


def _locked(plan, fiscal_year):
    return services.is_year_locked(plan, fiscal_year)


class ItemLineageInline(TownScoped, admin.TabularInline):
    model = ItemLineage
    fk_name = "item"
    extra = 0
    autocomplete_fields = ("predecessor",)
    verbose_name = "旧取組（改定元の計画の取組）"
    verbose_name_plural = "旧取組（改定元の計画で、この取組が引き継ぐ・統合する取組）"


class ActionItemForm(forms.ModelForm):
    """再掲区分 as the import checks them: areas of the item's own plan, and never its own
    重点施策区分 (the item would be counted twice in that area's figures and pages)."""

    def clean(self):
        cleaned = super().clean()
        relisted = cleaned.get("relisted_areas")
        if not relisted:
            return cleaned
        primary, plan = cleaned.get("primary_area"), cleaned.get("plan")
        if primary is not None and primary in relisted:
            self.add_error("relisted_areas", "再掲区分に、重点施策区分と同じ区分は指定できません。")
        if plan is not None and any(area.plan_id != plan.pk for area in relisted):
            self.add_error(
                "relisted_areas", "再掲区分には、この取組の計画の区分を指定してください。"
            )
        return cleaned


@admin.register(ActionItem)
class ActionItemAdmin(
    TownScoped, TranslationsFieldset, RecordedDeletion, SafeExportMixin, admin.ModelAdmin
):
    form = ActionItemForm
    resource_classes = [ActionItemResource]
    translated = ("title",)
    list_display = ("plan", "item_code", "title", "primary_area", "section", "name_published")
    list_display_links = ("item_code", "title")
    list_filter = ("plan", "primary_area", "section", "name_published")
    search_fields = ("code", "code_key", "title", "description")
    list_select_related = ("plan", "primary_area", "section")
    inlines = [ItemLineageInline]
    filter_horizontal = (
        "relisted_areas",
        "wellbeing_directions",
        "national_items",
        "timeline_events",
    )

    @admin.display(description="取組番号", ordering="sort_key")
    def item_code(self, item):
        # Sorting the column sorts naturally (A-2 before A-10), not as text.
        return item.code

    recorded_models = (YearlyStatus, Kpi, KpiActual)

    def deletion_refusals(self, objs):
        return refusal_messages(services.check_items_deletable, objs)

    def delete_recorded(self, objs, user):
        services.delete_items(objs, user=user, source=AuditEntry.Source.ADMIN)


class YearlyStatusForm(forms.ModelForm):
    # The version this edit started from: a save by somebody else meanwhile is refused.
    started_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = YearlyStatus
        fields = ("item", "fiscal_year", "status", "comment", "evidence")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_version"].initial = self.instance.version if self.instance.pk else 0

    def clean(self):
        cleaned = super().clean()
        item = cleaned.get("item") or getattr(self.instance, "item", None)
        year = cleaned.get("fiscal_year")
        if year is None:
            year = self.instance.fiscal_year
        if item is None or year is None:
            return cleaned
        try:
            services.validate_status(
                item, year, cleaned.get("status", ""), cleaned.get("comment", "")
            )
            services.check_year_open(item.plan, year)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        started = cleaned.get("started_version")
        current = (
            YearlyStatus.objects.filter(item=item, fiscal_year=year)
            .select_related("updated_by")
            .first()
        )
        if started is not None and (current.version if current else 0) != started:
            raise forms.ValidationError(services.StaleEditError(current).messages)
        return cleaned


@admin.register(YearlyStatus)
class YearlyStatusAdmin(TownScoped, SafeExportMixin, admin.ModelAdmin):
    resource_classes = [YearlyStatusResource]
    form = YearlyStatusForm
    list_display = ("item", "fiscal_year", "status", "updated_at", "updated_by")
    list_filter = ("item__plan", "fiscal_year", "status")
    search_fields = ("item__title", "comment")
    list_select_related = ("item__plan", "updated_by")
    raw_id_fields = ("item",)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("version", "updated_by")
        if _locked(obj.item.plan, obj.fiscal_year):
            return ("item", "fiscal_year", "status", "comment", "evidence", "version", "updated_by")
        return ("item", "fiscal_year", "version", "updated_by")

    def has_delete_permission(self, request, obj=None):
        return False  # 未評価 is a blank status, recorded like any other change

    def save_model(self, request, obj, form, change):
        saved, _changed = services.record_status(
            obj.item,
            obj.fiscal_year,
            status=obj.status,
            comment=obj.comment,
            evidence=obj.evidence,
            user=request.user,
            source=AuditEntry.Source.ADMIN,
            expected_version=form.cleaned_data.get("started_version"),
        )
        obj.pk = saved.pk
        obj.version = saved.version


class KpiActualForm(forms.ModelForm):
    class Meta:
        model = KpiActual
        fields = ("kpi", "fiscal_year", "value")

    def clean(self):
        cleaned = super().clean()
        kpi = cleaned.get("kpi") or getattr(self.instance, "kpi", None)
        year = cleaned.get("fiscal_year")
        if year is None:
            year = self.instance.fiscal_year
        if kpi is None or year is None:
            return cleaned
        try:
            services.validate_status(kpi.item, year, "", "")
            services.check_year_open(kpi.item.plan, year)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return cleaned


@admin.register(KpiActual)
class KpiActualAdmin(TownScoped, SafeExportMixin, admin.ModelAdmin):
    resource_classes = [KpiActualResource]
    form = KpiActualForm
    list_display = ("kpi", "fiscal_year", "value", "updated_at")
    list_filter = ("kpi__item__plan", "fiscal_year")
    list_select_related = ("kpi",)
    raw_id_fields = ("kpi",)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and _locked(obj.kpi.item.plan, obj.fiscal_year):
            return ("kpi", "fiscal_year", "value")
        return ("kpi", "fiscal_year") if obj else ()

    def has_delete_permission(self, request, obj=None):
        return obj is None or not _locked(obj.kpi.item.plan, obj.fiscal_year)

    def save_model(self, request, obj, form, change):
        saved, _changed = services.record_kpi_actual(
            obj.kpi, obj.fiscal_year, obj.value, user=request.user, source=AuditEntry.Source.ADMIN
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.record_kpi_actual(
            obj.kpi, obj.fiscal_year, None, user=request.user, source=AuditEntry.Source.ADMIN
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("kpi__item__plan"):
            self.delete_model(request, obj)


@admin.register(Kpi)
class KpiAdmin(
    TownScoped, TranslationsFieldset, RecordedDeletion, SafeExportMixin, admin.ModelAdmin
):
    resource_classes = [KpiResource]
    translated = ("name", "unit")
    list_display = ("name", "item", "unit", "baseline_value", "target_value")
    list_filter = ("item__plan",)
    search_fields = ("name",)
    list_select_related = ("item",)
    raw_id_fields = ("item",)

    recorded_models = (KpiActual,)

    def deletion_refusals(self, objs):
        return refusal_messages(services.check_kpis_deletable, objs)

    def delete_recorded(self, objs, user):
        services.delete_kpis(objs, user=user, source=AuditEntry.Source.ADMIN)


@admin.register(EvaluationYear)
class EvaluationYearAdmin(TownScoped, admin.ModelAdmin):
    """Locking and publishing are done on the staff pages, where they are audited."""

    list_display = ("plan", "fiscal_year", "is_locked", "is_published", "locked_at", "published_at")
    list_filter = ("plan", "is_locked", "is_published")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(TownScoped, admin.ModelAdmin):
    list_display = ("at", "user", "action", "source", "object_repr", "fiscal_year")
    list_filter = ("source", "action", "plan")
    search_fields = ("object_repr", "reason")
    list_select_related = ("user",)
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-tasks-db's own admin lists raw task records (in English); imports are
# followed on their own pages (/imports/jobs/…), so the admin does not show them.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
