"""Action items (取組), their yearly status, KPIs, and the evaluation workflow."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Prefetch, Subquery
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from actions import codes
from plans import wareki
from plans.models import (
    NationalPlanItem,
    Plan,
    PlanTownQuerySet,
    PriorityArea,
    Section,
    TimelineEvent,
    Town,
    TownQuerySet,
    WellBeingDirection,
    WorkingGroup,
    only_town,
)
from plans.translated import translation_fields


class Status(models.TextChoices):
    """達成状況. An item without a status for a year is 未評価 (not evaluated).

    The labels are in the page's language: Japanese on the staff pages (whose
    addresses are always Japanese), translated on the public ones.
    """

    ACHIEVED = "achieved", _("達成")
    PARTIALLY_ACHIEVED = "partially_achieved", _("一部達成")
    NOT_ACHIEVED = "not_achieved", _("未達成")
    UNDETERMINABLE = "undeterminable", _("判定不可")

    @classmethod
    def from_label(cls, label):
        """The status a spreadsheet names in Japanese (「達成」), whatever the language."""
        with translation.override("ja"):
            for value, text in cls.choices:
                if str(text) == label:
                    return cls(value)
        return None


NOT_EVALUATED_LABEL = _("未評価")


class EvaluationState(models.TextChoices):
    """Where an item's evaluation for a year stands in the yearly round (評価作業).

    The allowed moves between these states are the table in actions.workflow.
    """

    NOT_ENTERED = "not_entered", _("未入力")
    ENTERED = "entered", _("入力済み")
    SUBMITTED = "submitted", _("提出")
    APPROVED = "approved", _("承認")
    RETURNED = "returned", _("差戻し")


class ActionItemQuerySet(PlanTownQuerySet):
    def for_plan(self, plan):
        return self.filter(plan=plan)

    def in_area(self, area):
        """Items listed under an area, first or again (再掲).

        An ``IN`` on the listing table rather than a join: no DISTINCT, so a page
        of the list is not counted and sorted twice over duplicated rows.
        """
        relisted = ActionItem.relisted_areas.through.objects.filter(priorityarea=area)
        return self.filter(
            models.Q(primary_area=area) | models.Q(pk__in=relisted.values("actionitem_id"))
        )

    def with_code(self, plan, code):
        """The item of ``plan`` that a typed or URL code means (none for an unreadable code)."""
        try:
            key = codes.normalise(code)
        except codes.InvalidCode:
            return self.none()
        return self.filter(plan=plan, code_key=key)

    def in_sections(self, section_ids):
        """Items owned by these sections; ``None`` means no restriction."""
        if section_ids is None:
            return self
        return self.filter(section_id__in=section_ids)

    def missing_status_first(self, fiscal_year):
        """Items without a recorded status for the year first, then by code."""
        recorded = YearlyStatus.objects.filter(
            item=models.OuterRef("pk"), fiscal_year=fiscal_year
        ).exclude(status="")
        return self.annotate(has_status=models.Exists(recorded)).order_by(
            "has_status", "plan", "sort_key", "code_key"
        )

    def with_year_state(self, fiscal_year):
        """Annotate ``year_status`` and ``year_state`` (both None without a row) for the year."""
        row = YearlyStatus.objects.filter(item=models.OuterRef("pk"), fiscal_year=fiscal_year)
        return self.annotate(
            year_status=models.Subquery(row.values("status")[:1]),
            year_state=models.Subquery(row.values("state")[:1]),
        )

    def not_approved_for(self, fiscal_year):
        """Items whose evaluation for the year is not 承認 yet: the unrated ones included."""
        return self.exclude(models.Exists(_approved(fiscal_year)))

    def year_gaps(self, fiscal_year):
        """What a lock of the year would fix unfinished, in distinct items, in one query."""
        counts = self.aggregate(
            total=models.Count("pk"),
            not_approved=models.Count("pk", filter=~models.Exists(_approved(fiscal_year))),
            not_evaluated=models.Count("pk", filter=~models.Exists(_rated(fiscal_year))),
        )
        return YearGaps(**counts)

    def with_status_for(self, fiscal_year):
        """Attach ``status_for_year``: a list with the year's YearlyStatus, or empty."""
        return self.prefetch_related(
            Prefetch(
                "statuses",
                queryset=YearlyStatus.objects.filter(fiscal_year=fiscal_year),
                to_attr="status_for_year",
            )
        )


def _rated(fiscal_year):
    return YearlyStatus.objects.filter(
        item=models.OuterRef("pk"), fiscal_year=fiscal_year, status__gt=""
    )


def _approved(fiscal_year):
    """An item-year counts as approved only with a status: 承認 of nothing is no rating."""
    return _rated(fiscal_year).filter(state=EvaluationState.APPROVED)


@dataclass(frozen=True)
class YearGaps:
    """Distinct items of a plan and year: all, not approved (unrated included), unrated."""

    total: int
    not_approved: int
    not_evaluated: int

    def __bool__(self):
        return self.not_approved > 0

    def as_dict(self):
        return {
            "items": self.total,
            "not_approved": self.not_approved,
            "not_evaluated": self.not_evaluated,
        }


class ActionItem(models.Model):
    """取組: one entry of the アクションプラン."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(
        "取組番号",
        max_length=codes.MAX_LENGTH,
        help_text="計画書のとおりの番号（例: 12、A-01、1-(2)-③）。",
    )
    code_key = models.CharField("取組番号（照合用）", max_length=codes.MAX_LENGTH, editable=False)
    sort_key = models.CharField("並び順", max_length=codes.SORT_KEY_LENGTH, editable=False)
    title = models.CharField("取組名", max_length=200)
    title_en, title_easy = translation_fields("取組名", 200)
    description = models.TextField("概要", blank=True)
    primary_area = models.ForeignKey(
        PriorityArea, verbose_name="重点施策区分", on_delete=models.PROTECT, related_name="items"
    )
    relisted_areas = models.ManyToManyField(
        PriorityArea, verbose_name="再掲区分", blank=True, related_name="relisted_items"
    )
    section = models.ForeignKey(
        Section,
        verbose_name="担当課",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    working_group = models.ForeignKey(
        WorkingGroup,
        verbose_name="ワーキンググループ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    wellbeing_directions = models.ManyToManyField(
        WellBeingDirection, verbose_name="総合計画の方向性", blank=True, related_name="items"
    )
    national_items = models.ManyToManyField(
        NationalPlanItem, verbose_name="国計画との整合", blank=True, related_name="items"
    )
    timeline_events = models.ManyToManyField(
        TimelineEvent, verbose_name="関連する主な取組", blank=True, related_name="items"
    )
    name_published = models.BooleanField(
        "名称公表済み",
        default=True,
        help_text="計画書で名称が公表されていない取組（件数のみ公表）はオフにします。",
    )
    predecessors = models.ManyToManyField(
        "self",
        verbose_name="旧取組（改定元の計画の取組）",
        through="ItemLineage",
        through_fields=("item", "predecessor"),
        symmetrical=False,
        blank=True,
        related_name="successors",
    )

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = "取組"
        verbose_name_plural = "取組"
        ordering = ["plan", "sort_key", "code_key"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code_key"], name="unique_item_code")
        ]
        indexes = [
            # An area's items in code order, read a page at a time (reports.queries.area_page).
            models.Index(fields=["primary_area", "sort_key", "code_key"], name="item_by_area_code")
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"

    def save(self, *args, **kwargs):
        self.fill_code_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "code" in update_fields:
            kwargs["update_fields"] = {*update_fields, "code_key", "sort_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reports:item", args=[self.plan.slug, self.code_key])

    def fill_code_keys(self):
        """Derive code_key and sort_key from code; bulk_create callers call it themselves."""
        self.code = codes.as_text(self.code)
        self.code_key = codes.normalise(self.code)
        self.sort_key = codes.sort_key(self.code_key)

    def clean_fields(self, exclude=None):
        try:
            self.fill_code_keys()
        except codes.InvalidCode as error:
            raise ValidationError({"code": str(error)}) from None
        super().clean_fields(exclude=exclude)


class ItemLineage(models.Model):
    """An item of a revised plan takes over an item of the plan it revises (旧取組番号).

    One predecessor: the item continues it (引き継ぎ). Several: it merges them (統合).
    """

    item = models.ForeignKey(
        ActionItem, verbose_name="取組", on_delete=models.CASCADE, related_name="predecessor_links"
    )
    predecessor = models.ForeignKey(
        ActionItem,
        verbose_name="旧取組",
        on_delete=models.CASCADE,
        related_name="successor_links",
    )

    class Meta:
        verbose_name = "取組の引き継ぎ"
        verbose_name_plural = "取組の引き継ぎ"
        ordering = ["item", "predecessor__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["item", "predecessor"], name="unique_item_lineage")
        ]

    def __str__(self):
        return f"{self.predecessor.plan.version}版 {self.predecessor.code} → {self.item.plan.version}版 {self.item.code}"

    def clean(self):
        # An unset relation raises RelatedObjectDoesNotExist, an AttributeError.
        item = getattr(self, "item", None)
        predecessor = getattr(self, "predecessor", None)
        if item is None or predecessor is None or item.plan_id is None:
            return
        if item.plan.revises_id is None or predecessor.plan_id != item.plan.revises_id:
            raise ValidationError(
                {"predecessor": "旧取組は、この取組の計画の改定元の計画の取組を選んでください。"}
            )


class YearlyStatus(models.Model):
    """達成状況 of an item for one fiscal year (stored as its starting 西暦 year)."""

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="statuses")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("達成状況", max_length=20, choices=Status.choices, blank=True)
    comment = models.TextField("備考（公開）", blank=True)
    evidence = models.TextField("根拠・内部メモ", blank=True)
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
    state = models.CharField(
        "評価作業の状態",
        max_length=20,
        choices=EvaluationState.choices,
        default=EvaluationState.NOT_ENTERED,
    )
    state_changed_at = models.DateTimeField("状態の変更日時", null=True, blank=True)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="状態の変更者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.TextField("差戻しの理由", blank=True)

    class Meta:
        verbose_name = "年度別達成状況"
        verbose_name_plural = "年度別達成状況"
        ordering = ["item", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["item", "fiscal_year"], name="unique_item_year")
        ]
        # Covers the achievement engine's grouped count, which needs only these columns.
        indexes = [
            models.Index(fields=["item", "fiscal_year", "status"], name="status_by_item_year")
        ]

    def __str__(self):
        return f"{self.item} {self.fiscal_year_label}: {self.status_label}"

    @property
    def fiscal_year_label(self):
        return wareki.fiscal_year_label(self.fiscal_year)

    @property
    def status_label(self):
        return self.get_status_display() if self.status else NOT_EVALUATED_LABEL


class Kpi(models.Model):
    """指標 of an action item, with its baseline and target."""

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField("指標名", max_length=200)
    name_en, name_easy = translation_fields("指標名", 200)
    unit = models.CharField("単位", max_length=30, blank=True)
    unit_en, unit_easy = translation_fields("単位", 30)
    baseline_value = models.DecimalField(
        "基準値", max_digits=14, decimal_places=3, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField("基準年度", null=True, blank=True)
    target_value = models.DecimalField(
        "目標値", max_digits=14, decimal_places=3, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField("目標年度", null=True, blank=True)
    note = models.TextField("注記", blank=True)

    class Meta:
        verbose_name = "指標"
        verbose_name_plural = "指標"
        ordering = ["item", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "name"], name="unique_kpi_name")]

    def __str__(self):
        return f"{self.name}（{self.unit}）" if self.unit else self.name


class KpiActual(models.Model):
    """実績値 of a KPI for a fiscal year."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="actuals")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("実績値", max_digits=14, decimal_places=3)
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
        verbose_name = "指標実績"
        verbose_name_plural = "指標実績"
        ordering = ["kpi", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "fiscal_year"], name="unique_kpi_year")
        ]

    def __str__(self):
        return f"{self.kpi} {self.fiscal_year}: {self.value}"


class EvaluationYearQuerySet(PlanTownQuerySet):
    def published(self):
        return self.filter(is_published=True)

    def latest_published_of_each_town(self):
        """Each town's newest published year (of its newest plan, when two publish the same year).

        One query, whatever the number of towns: the towns compared read one row per town.
        """
        newest = (
            EvaluationYear.objects.published()
            .filter(plan__town=OuterRef("plan__town"))
            .order_by("-fiscal_year", "-plan__published_on", "-plan__slug")
            .values("pk")[:1]
        )
        return self.published().filter(pk=Subquery(newest))

    def published_years(self, plan):
        """The plan's published fiscal years, as a set."""
        return set(self.published().filter(plan=plan).values_list("fiscal_year", flat=True))

    def publication_notes(self, plan):
        """{fiscal year: reason} of the plan's years published with unrated items."""
        return dict(
            self.published()
            .filter(plan=plan)
            .exclude(publication_note="")
            .values_list("fiscal_year", "publication_note")
        )


class EvaluationYear(models.Model):
    """The evaluation of one plan for one fiscal year: locked (確定) and/or published (公表)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="evaluation_years")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    is_locked = models.BooleanField("確定", default=False)
    locked_at = models.DateTimeField("確定日時", null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_published = models.BooleanField("公表", default=False)
    published_at = models.DateTimeField("公表日時", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Published with unrated items: why, in the 本部's words, shown to the public beside the
    # figures (「評価済み 2／11：理由 …」). Empty when every item was rated.
    publication_note = models.TextField("未評価の取組を残して公表した理由", blank=True, default="")
    # The yearly round (評価作業): opened by the secretariat with a deadline, closed when done.
    deadline = models.DateField("締切日", null=True, blank=True)
    round_opened_at = models.DateTimeField("評価作業の開始日時", null=True, blank=True)
    round_opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    round_closed_at = models.DateTimeField("評価作業の終了日時", null=True, blank=True)
    round_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EvaluationYearQuerySet.as_manager()

    class Meta:
        verbose_name = "年度評価"
        verbose_name_plural = "年度評価"
        ordering = ["plan", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "fiscal_year"], name="unique_evaluation_year"),
            # A year is published only once locked (services.publish_year), whoever writes it.
            models.CheckConstraint(
                condition=models.Q(is_published=False) | models.Q(is_locked=True),
                name="published_year_is_locked",
                violation_error_message="公表する年度は先に確定してください。",
            ),
        ]

    def __str__(self):
        return f"{self.plan} {wareki.fiscal_year_label(self.fiscal_year)}"

    @property
    def round_is_open(self):
        return self.round_opened_at is not None and self.round_closed_at is None


class StaffProfile(models.Model):
    """The town an account belongs to, and the sections (担当課) it records statuses for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    town = models.ForeignKey(
        Town, verbose_name="団体", on_delete=models.CASCADE, related_name="+", default=only_town
    )
    sections = models.ManyToManyField(Section, verbose_name="所属担当課", blank=True)
    must_change_password = models.BooleanField(
        "初回ログイン時にパスワードの変更が必要",
        default=False,
        help_text="取込で作成したアカウントは、初期パスワードでログインした後、"
        "新しいパスワードを設定するまでほかの画面を使えません。",
    )

    class Meta:
        verbose_name = "職員の所属"
        verbose_name_plural = "職員の所属"

    def __str__(self):
        return str(self.user)


class AuditEntryQuerySet(TownQuerySet):
    def with_related(self):
        return self.select_related("user", "item", "item__plan", "section", "plan")

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        AuditEntry.copy_names(objs)
        return super().bulk_create(objs, *args, **kwargs)


class AuditEntry(models.Model):
    """One recorded change: who, when, what, and the values before and after."""

    class Source(models.TextChoices):
        WEB = "web", "画面"
        IMPORT = "import", "一括取込"
        ADMIN = "admin", "管理画面"
        COMMAND = "command", "コマンド"

    at = models.DateTimeField("日時", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="利用者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    # Empty only for the deployment operator's own changes (towns themselves).
    town = models.ForeignKey(
        Town, verbose_name="団体", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField("操作", max_length=50)
    source = models.CharField("経路", max_length=20, choices=Source.choices, default=Source.WEB)
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    item = models.ForeignKey(
        ActionItem,
        verbose_name="取組",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    # A section that history names cannot be deleted (it can be renamed): the
    # rows keep pointing at it, and keep its name as it was when they were written.
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField("利用者名（記録時）", max_length=150, blank=True)
    section_name = models.CharField("担当課名（記録時）", max_length=200, blank=True)
    fiscal_year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    object_repr = models.CharField("対象", max_length=300)
    before = models.JSONField("変更前", null=True, blank=True)
    after = models.JSONField("変更後", null=True, blank=True)
    reason = models.TextField("理由", blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "変更履歴"
        verbose_name_plural = "変更履歴"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self._state.adding:
            AuditEntry.copy_names([self])
        super().save(*args, **kwargs)

    @staticmethod
    def copy_names(entries):
        """Write the user's and the section's names as they are now into new entries.

        A later rename, or the user's deletion, leaves what history shows unchanged.
        """
        from django.contrib.auth import get_user_model

        def missing(field, name_field):
            return {
                getattr(entry, f"{field}_id")
                for entry in entries
                if getattr(entry, f"{field}_id")
                and not getattr(entry, name_field)
                and not getattr(AuditEntry, field).is_cached(entry)
            }

        users = get_user_model().objects.in_bulk(missing("user", "username"))
        sections = Section.objects.in_bulk(missing("section", "section_name"))
        AuditEntry._copy_towns(entries, sections)
        for entry in entries:
            if entry.user_id and not entry.username:
                user = entry.user if AuditEntry.user.is_cached(entry) else users.get(entry.user_id)
                entry.username = user.get_username() if user else ""
            if entry.section_id and not entry.section_name:
                section = (
                    entry.section
                    if AuditEntry.section.is_cached(entry)
                    else sections.get(entry.section_id)
                )
                entry.section_name = str(section)[:200] if section else ""

    @staticmethod
    def _copy_towns(entries, sections):
        """Give new entries the town of their plan, item or section (loaded ones need no query)."""

        def known(entry):
            for field, holder in (("plan", AuditEntry.plan), ("section", AuditEntry.section)):
                if holder.is_cached(entry) and getattr(entry, field) is not None:
                    return getattr(entry, field).town_id
            if AuditEntry.item.is_cached(entry) and entry.item is not None:
                if ActionItem.plan.is_cached(entry.item):
                    return entry.item.plan.town_id
            section = sections.get(entry.section_id)
            return section.town_id if section else None

        pending = []
        for entry in entries:
            if entry.town_id is None:
                entry.town_id = known(entry)
                if entry.town_id is None:
                    pending.append(entry)
        plan_ids = {e.plan_id for e in pending if e.plan_id}
        item_ids = {e.item_id for e in pending if e.item_id and not e.plan_id}
        section_ids = {e.section_id for e in pending if e.section_id}
        towns = (
            {
                ("plan", pk): town
                for pk, town in Plan.objects.filter(pk__in=plan_ids).values_list("pk", "town_id")
            }
            if plan_ids
            else {}
        )
        if item_ids:
            towns.update(
                (("item", pk), town)
                for pk, town in ActionItem.objects.filter(pk__in=item_ids).values_list(
                    "pk", "plan__town_id"
                )
            )
        if section_ids:
            towns.update(
                (("section", pk), town)
                for pk, town in Section.objects.filter(pk__in=section_ids).values_list(
                    "pk", "town_id"
                )
            )
        only = None
        for entry in pending:
            entry.town_id = (
                towns.get(("plan", entry.plan_id))
                or towns.get(("item", entry.item_id))
                or towns.get(("section", entry.section_id))
            )
            if entry.town_id is None:  # names nothing of a town: the deployment's only one
                only = only_town() if only is None else only
                entry.town_id = only or None


class ImportJob(models.Model):
    """One spreadsheet import through /imports/: the upload, its dry run and its confirmation.

    Both steps run as background tasks (actions.imports.tasks); the page reads
    this row, so it survives a reload. ``data`` holds the upload until it is
    imported or given up, ``digest`` its SHA-256 as uploaded.
    """

    class State(models.TextChoices):
        CHECKING = "checking", "点検中"
        CHECKED = "checked", "点検済み"
        QUEUED = "queued", "取込待ち"
        APPLYING = "applying", "取込中"
        DONE = "done", "取込完了"
        FAILED = "failed", "中止"

    RUNNING = (State.CHECKING, State.QUEUED, State.APPLYING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    town = models.ForeignKey(
        Town, verbose_name="団体", on_delete=models.CASCADE, related_name="+", default=only_town
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="利用者", on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField("ファイル名", max_length=255)
    data = models.BinaryField("ファイルの内容", default=b"")
    digest = models.CharField("SHA-256", max_length=64)
    state = models.CharField("状態", max_length=20, choices=State.choices, default=State.CHECKING)
    report = models.JSONField("点検結果", null=True, blank=True)
    outcome = models.JSONField("取込結果", null=True, blank=True)
    failure = models.TextField("中止の理由", blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "取込"
        verbose_name_plural = "取込"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename}（{self.get_state_display()}）"

    @property
    def is_running(self):
        return self.state in self.RUNNING


class ReminderLog(models.Model):
    """A reminder (督促) mailed to one person on one day: at most one a day, whatever cron does.

    The row is written before the mail goes out (the unique constraint decides
    who sends when two runs overlap) and removed again if sending fails, so a
    later run retries. ``summary`` keeps what the mail said, counts included.
    """

    town = models.ForeignKey(
        Town, verbose_name="団体", on_delete=models.CASCADE, related_name="+", default=only_town
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="宛先",
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    sent_on = models.DateField("送信日")
    sent_at = models.DateTimeField("送信日時", auto_now_add=True)
    email = models.EmailField("メールアドレス")
    subject = models.CharField("件名", max_length=200)
    summary = models.JSONField("内容", default=dict)

    class Meta:
        verbose_name = "督促メール"
        verbose_name_plural = "督促メール"
        ordering = ["-sent_on", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="one_reminder_a_day")
        ]

    def __str__(self):
        return f"{self.sent_on} {self.user}: {self.subject}"


class StatusTally(models.Model):
    """How many listings of a plan's items hold each status and state, per year, area and 担当課.

    A summary of the items and their YearlyStatus rows that every write keeps
    current (actions.tallies, from plans.versions.data_changed, in the writer's
    transaction), so the figures are read in proportion to areas × sections,
    never to status rows. Rows of fiscal year 0 count the items themselves. An
    item counts once under its main area and once more under each area that
    lists it again (``relisted``, 再掲).
    """

    ITEMS = 0  # fiscal_year of the rows that count the items, whatever their statuses

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    area = models.ForeignKey(PriorityArea, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    relisted = models.BooleanField("再掲")
    status = models.CharField("達成状況", max_length=20, blank=True)
    state = models.CharField("評価の状態", max_length=20, blank=True)
    count = models.PositiveIntegerField("件数")

    class Meta:
        verbose_name = "達成状況の集計"
        verbose_name_plural = "達成状況の集計"
        indexes = [models.Index(fields=["plan", "fiscal_year"], name="tally_by_plan_year")]

    def __str__(self):
        return f"{self.plan_id} {self.fiscal_year} {self.area_id} {self.status}: {self.count}"
