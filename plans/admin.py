"""Django admin for the plan's master data.

Plan-structured data (plans, areas) is exported in the workbook format; its
bulk import goes through /imports/ so every change is audited. Simple tables
outside the workbook (担当課, ワーキンググループ) import here directly.
"""

from django.contrib import admin
from import_export.admin import ExportMixin, ImportExportModelAdmin

from actions.resources import (
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
    WellBeingDirection,
    WellBeingMeasure,
    WorkingGroup,
)


class BasicPolicyInline(admin.TabularInline):
    model = BasicPolicy
    extra = 0


class ReviewPillarInline(admin.TabularInline):
    model = ReviewPillar
    extra = 0


class ThemeDirectionInline(admin.StackedInline):
    model = ThemeDirection
    extra = 0


class RelatedPlanInline(admin.StackedInline):
    model = RelatedPlan
    extra = 0


class PriorityAreaInline(admin.TabularInline):
    model = PriorityArea
    extra = 0
    fields = ("number", "name", "added_in_revision")
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [PlanResource]
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


@admin.register(PriorityArea)
class PriorityAreaAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [PriorityAreaResource]
    list_display = ("plan", "number", "name", "added_in_revision")
    list_filter = ("plan",)
    search_fields = ("name", "aliases")
    list_select_related = ("plan",)


@admin.register(Section)
class SectionAdmin(ImportExportModelAdmin):
    resource_classes = [SectionResource]
    list_display = ("name", "unit")
    search_fields = ("name", "unit")


@admin.register(WorkingGroup)
class WorkingGroupAdmin(ImportExportModelAdmin):
    resource_classes = [WorkingGroupResource]
    list_display = ("number", "name", "name_published")


class WellBeingMeasureInline(admin.TabularInline):
    model = WellBeingMeasure
    extra = 0
    fields = ("plan", "number", "name", "area")


@admin.register(WellBeingDirection)
class WellBeingDirectionAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "dx_effects")
    inlines = [WellBeingMeasureInline]


@admin.register(NationalPlanItem)
class NationalPlanItemAdmin(admin.ModelAdmin):
    list_display = ("name", "edition")
    list_filter = ("edition",)


@admin.register(GoverningBody)
class GoverningBodyAdmin(admin.ModelAdmin):
    list_display = ("name", "aliases", "established_on")


@admin.register(TimelineEvent)
class TimelineEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_on", "summary", "is_other", "before_plan")
    list_filter = ("is_other", "before_plan")
    search_fields = ("summary",)
    filter_horizontal = ("areas",)


@admin.register(PublishedFigure)
class PublishedFigureAdmin(admin.ModelAdmin):
    list_display = ("plan", "fiscal_year", "area", "total", "rate")
    list_filter = ("plan", "fiscal_year")
    list_select_related = ("plan", "area")
