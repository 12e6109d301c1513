"""The 本部's narrative of the yearly progress report (年次報告書), kept per plan and year.

The figures are not stored: the report asks reports.achievement for them each
time. Only what people write is kept here, and written through
reports.services.save_year_report (atomic, audited). The town is reached
through the plan.
"""

from django.conf import settings
from django.db import models

from plans import wareki
from plans.models import Plan, PriorityArea

NARRATIVE_MAX_LENGTH = 10_000


class YearReport(models.Model):
    """The narrative of one plan's report for one fiscal year."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="year_reports")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    overview = models.TextField("総評", blank=True)
    deliberation = models.TextField("検討の状況", blank=True)
    table_notes = models.TextField(
        "達成状況の表の注記（☞）", blank=True, help_text="1行に1つ。表の下に ☞ を付けて載せます。"
    )
    external_body = models.CharField("外部評価の会議", max_length=100, blank=True)
    external_meeting_on = models.DateField("外部評価の会議の開催日", null=True, blank=True)
    external_review = models.TextField("外部評価（委員・有識者の意見）", blank=True)
    issuer = models.CharField("発行者", max_length=100, blank=True)
    issued_on = models.DateField("発行日", null=True, blank=True)
    include_earlier_events = models.BooleanField(
        "主な取組一覧に計画策定以後のすべての年度を載せる", default=False
    )
    highlighted_items = models.ManyToManyField(
        "actions.ActionItem",
        verbose_name="主な達成・未達成項目",
        blank=True,
        related_name="+",
        help_text="選ばないときは、指標のある取組をすべて載せます。",
    )
    version = models.PositiveIntegerField("版数", default=1)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "年次報告書の記述"
        verbose_name_plural = "年次報告書の記述"
        ordering = ["plan", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "fiscal_year"], name="unique_year_report")
        ]

    def __str__(self):
        return f"{self.plan} {wareki.fiscal_year_label(self.fiscal_year)} 報告書"


class AreaFinding(models.Model):
    """所見: what the 本部 writes under one 重点施策区分 in a year's report."""

    report = models.ForeignKey(YearReport, on_delete=models.CASCADE, related_name="findings")
    area = models.ForeignKey(PriorityArea, on_delete=models.CASCADE, related_name="+")
    text = models.TextField("所見")

    class Meta:
        verbose_name = "区分の所見"
        verbose_name_plural = "区分の所見"
        ordering = ["report", "area__number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "area"], name="unique_area_finding")
        ]

    def __str__(self):
        return f"{self.report} {self.area}"
