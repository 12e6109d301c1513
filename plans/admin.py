"""Django admin for the plan's master data.

Plan-structured data (plans, areas) is exported in the workbook format. The
admin imports nothing: every upload goes through /imports/, whose reader
checks size, compression and XML, and whose writes are audited.
"""

from django.contrib import admin

from actions import services
from actions.admin.deletions import history_refusal, with_refusals
from actions.admin.exports import SafeExportMixin
from actions.imports.resources import (
    PlanResource,
    PriorityAreaResource,
    SectionResource,
    WorkingGroupResource,
)
from plans.models import (
    BasicPolicy,
    GoverningBody,
    NationalPlanItem,
    Plan,
    PriorityArea,
    PublishedFigure,
    RelatedPlan,
    ReviewPillar,
    Section,
    ThemeDirection,
    TimelineEvent,
    Town,
    TownHost,
    WellBeingDirection,
    WellBeingMeasure,
    WorkingGroup,
)
from plans.towns import TownScoped
from plans.translations_admin import TranslationsFieldset


class TownHostInline(admin.TabularInline):
    model = TownHost
    extra = 1


RULE_FIELDS = ("undeterminable_in_denominator", "partial_weight", "count_listings")


@admin.register(Town)
class TownAdmin(TownScoped, admin.ModelAdmin):
    """The operator adds towns and their host names, and sets a town's own achievement rule;
    a town's admin edits its own settings."""

    list_display = ("code", "name", "prefecture", "office", *RULE_FIELDS)
    search_fields = ("code", "name", "prefecture")
    inlines = [TownHostInline]

    def get_readonly_fields(self, request, obj=None):
        # The rule decides the figures the towns are compared by: the operator's to set.
        return () if request.user.is_superuser else ("code", "name", "prefecture", *RULE_FIELDS)

    def get_inlines(self, request, obj):
        return self.inlines if request.user.is_superuser else []

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class BasicPolicyInline(TownScoped, TranslationsFieldset, admin.StackedInline):
    model = BasicPolicy
    extra = 0
    translated = ("name",)


class ReviewPillarInline(TownScoped, admin.TabularInline):
    model = ReviewPillar
    extra = 0


class ThemeDirectionInline(TownScoped, admin.StackedInline):
    model = ThemeDirection
    extra = 0


class RelatedPlanInline(TownScoped, admin.StackedInline):
    model = RelatedPlan
    extra = 0


class PriorityAreaInline(TownScoped, admin.TabularInline):
    model = PriorityArea
    extra = 0
    fields = ("number", "name", "added_in_revision")
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(TownScoped, TranslationsFieldset, SafeExportMixin, admin.ModelAdmin):
    resource_classes = [PlanResource]
    translated = ("name",)
    list_display = ("slug", "name", "version", "period_start", "period_end", "revises")
    search_fields = ("slug", "name")
    prepopulated_fields = {}
    inlines = [
        BasicPolicyInline,
        ReviewPillarInline,
        ThemeDirectionInline,
        RelatedPlanInline,
        PriorityAreaInline,
    ]

    def get_deleted_objects(self, objs, request):
        refusals = []
        for plan in objs:
            statuses, actuals, years = services.plan_evaluation_counts(plan)
            if statuses or actuals or years:
                refusals.append(
                    f"「{plan}」には評価データ（達成状況 {statuses:,} 件、指標実績 {actuals:,} 件、"
                    f"確定・公表した年度 {years} 件）があるため削除できません。"
                )
        return with_refusals(super().get_deleted_objects(objs, request), refusals)


@admin.register(PriorityArea)
class PriorityAreaAdmin(TownScoped, TranslationsFieldset, SafeExportMixin, admin.ModelAdmin):
    resource_classes = [PriorityAreaResource]
    translated = ("name", "main_initiatives")
    list_display = ("plan", "number", "name", "national_item_names", "added_in_revision")
    list_filter = ("plan", "national_items")
    search_fields = ("name", "aliases")
    list_select_related = ("plan",)
    filter_horizontal = ("national_items",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("national_items")

    @admin.display(description="国計画の重点取組事項")
    def national_item_names(self, area):
        return "、".join(item.name for item in area.national_items.all()) or "—"


@admin.register(Section)
class SectionAdmin(TownScoped, SafeExportMixin, admin.ModelAdmin):
    resource_classes = [SectionResource]
    list_display = ("name", "unit")
    search_fields = ("name", "unit")

    def get_deleted_objects(self, objs, request):
        # History rows are the only ones that protect a section: one line for all of them.
        refusals = history_refusal("担当課", objs, "section")
        return with_refusals(super().get_deleted_objects(objs, request), refusals)


@admin.register(WorkingGroup)
class WorkingGroupAdmin(TownScoped, SafeExportMixin, admin.ModelAdmin):
    resource_classes = [WorkingGroupResource]
    list_display = ("number", "name", "name_published")


class WellBeingMeasureInline(TownScoped, admin.TabularInline):
    model = WellBeingMeasure
    extra = 0
    fields = ("plan", "number", "name", "area")


@admin.register(WellBeingDirection)
class WellBeingDirectionAdmin(TownScoped, TranslationsFieldset, admin.ModelAdmin):
    list_display = ("number", "name", "dx_effects")
    translated = ("name",)
    inlines = [WellBeingMeasureInline]


@admin.register(NationalPlanItem)
class NationalPlanItemAdmin(TownScoped, admin.ModelAdmin):
    list_display = ("name", "edition")
    list_filter = ("edition",)


@admin.register(GoverningBody)
class GoverningBodyAdmin(TownScoped, admin.ModelAdmin):
    list_display = ("name", "aliases", "established_on")


@admin.register(TimelineEvent)
class TimelineEventAdmin(TownScoped, TranslationsFieldset, admin.ModelAdmin):
    list_display = ("occurred_on", "summary", "is_other", "before_plan")
    translated = ("summary",)
    list_filter = ("is_other", "before_plan")
    search_fields = ("summary",)
    filter_horizontal = ("areas",)


@admin.register(PublishedFigure)
class PublishedFigureAdmin(TownScoped, admin.ModelAdmin):
    list_display = ("plan", "fiscal_year", "area", "total", "rate")
    list_filter = ("plan", "fiscal_year")
    list_select_related = ("plan", "area")
