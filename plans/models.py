"""The plan and its structure: versions, policies, priority areas, links.

Everything here is master data maintained by the 企画課 デジタル推進班; the
yearly evaluation lives in ``actions``.
"""

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from plans import wareki
from plans.translated import translation_fields

CC_BY = "CC BY 4.0"


def code_check_digit(first_five):
    """The check digit (検査数字) of a 全国地方公共団体コード, from its first five digits.

    JIS X 0402: weights 6, 5, 4, 3, 2; the digit is the last digit of
    11 − (sum mod 11). 14361 → 8, so 中井町 is 143618.
    """
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def validate_town_code(value):
    if not (len(value) == 6 and value.isascii() and value.isdigit()):
        raise ValidationError(
            "全国地方公共団体コードは6桁の半角数字で入力してください（例：143618）。",
            code="format",
        )
    if int(value[5]) != code_check_digit(value[:5]):
        raise ValidationError(
            "全国地方公共団体コードの検査数字（6桁目）が合いません。"
            f"上5桁 {value[:5]} の検査数字は {code_check_digit(value[:5])} です。",
            code="check_digit",
        )


def only_town():
    """The deployment's town when it has exactly one: a new row belongs to it unless told.

    A deployment of one town stays as simple as before towns were data; with
    several, each new row must name its town.
    """
    ids = list(Town.objects.values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


RULE_CHOICES_UNDETERMINABLE = [
    (None, "全体の設定に従う"),
    (True, "含める"),
    (False, "除く"),
]
RULE_CHOICES_LISTINGS = [
    (None, "全体の設定に従う"),
    (True, "再掲を含めて数える"),
    (False, "取組ごとに1回だけ数える"),
]


class Town(models.Model):
    """団体: a municipality that runs its own plan. Every plan, section and account is one town's.

    A deployment may serve one town (every host name is that town) or many,
    each found from the request's host name (TownHost).
    """

    code = models.CharField(
        "全国地方公共団体コード",
        max_length=6,
        unique=True,
        validators=[validate_town_code],
        help_text="6桁（6桁目は検査数字）。例：中井町は 143618。",
    )
    name = models.CharField("団体名", max_length=50)
    prefecture = models.CharField("都道府県", max_length=10)
    office = models.CharField(
        "計画の担当", max_length=100, blank=True, help_text="例：企画課 デジタル推進班"
    )
    contact = models.CharField(
        "問い合わせ先", max_length=200, blank=True, help_text="電話番号やメールアドレス"
    )
    licence = models.CharField("オープンデータの利用条件", max_length=50, default=CC_BY)
    citation = models.CharField(
        "出典の表記",
        max_length=200,
        blank=True,
        help_text="オープンデータを使う人が書く出典。空欄なら「<団体名>DX推進計画 進捗ダッシュボード」。",
    )
    name_en = models.CharField(
        "団体名（英語）", max_length=100, blank=True, help_text="英語のページの表記。例：Nakai Town"
    )
    name_kana = models.CharField(
        "団体名の読み",
        max_length=50,
        blank=True,
        help_text="ひらがな。やさしい日本語のページでふりがなにします。例：なかいまち",
    )
    office_en = models.CharField(
        "計画の担当（英語）",
        max_length=200,
        blank=True,
        help_text="例：Digital Promotion Unit, Planning Division",
    )
    four_eyes = models.BooleanField(
        "承認は提出者以外",
        default=False,
        help_text="入れると、課長は自分が提出した取組を承認できません（ほかの課長か管理者が承認します）。",
    )
    # The town's own achievement rule; None: the deployment's (settings.ACHIEVEMENT_RULE).
    # reports.achievement.rule_for reads them.
    undeterminable_in_denominator = models.BooleanField(
        "判定不可を達成度の分母に含める",
        null=True,
        blank=True,
        default=None,
        choices=RULE_CHOICES_UNDETERMINABLE,
        help_text="空欄なら、このサイト全体の設定に従います。",
    )
    partial_weight = models.DecimalField(
        "一部達成の重み",
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(
                0, message="一部達成の重みは0以上1以下で入力してください（例：0.5）。"
            ),
            MaxValueValidator(
                1, message="一部達成の重みは0以上1以下で入力してください（例：0.5）。"
            ),
        ],
        help_text="達成度の分子で一部達成を数える重み（1なら達成と同じ、0.5なら半分）。"
        "空欄なら、このサイト全体の設定に従います。",
    )
    count_listings = models.BooleanField(
        "合計の取組数に再掲を含める",
        null=True,
        blank=True,
        default=None,
        choices=RULE_CHOICES_LISTINGS,
        help_text="空欄なら、このサイト全体の設定に従います。",
    )

    class Meta:
        verbose_name = "団体"
        verbose_name_plural = "団体"
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def site_title(self):
        """The site's name in the active language (the Japanese for staff pages and mails)."""
        return _("%(town)sDX推進計画 進捗ダッシュボード") % {"town": self.display_name}

    @property
    def display_name(self):
        """The town's name as the active language writes it: "Nakai Town" in English."""
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name

    @property
    def display_office(self):
        if get_language() == "en" and self.office_en:
            return self.office_en
        return self.office

    @property
    def citation_text(self):
        return self.citation or self.site_title


class TownHost(models.Model):
    """A host name a town is served on (nakai.example.lg.jp); unique across the deployment."""

    town = models.ForeignKey(Town, on_delete=models.CASCADE, related_name="hosts")
    host = models.CharField(
        "ホスト名",
        max_length=253,
        unique=True,
        help_text="例：nakai.example.lg.jp（ポート番号なし）",
    )

    class Meta:
        verbose_name = "ホスト名"
        verbose_name_plural = "ホスト名"
        ordering = ["host"]

    def __str__(self):
        return self.host

    def save(self, *args, **kwargs):
        self.host = self.host.strip().lower()
        super().save(*args, **kwargs)


class TownQuerySet(models.QuerySet):
    """The one way town-owned rows are read for a town: ``Model.objects.for_town(town)``.

    ``town_field`` names the path from the model to its town.
    """

    town_field = "town"

    def for_town(self, town):
        return self.filter(**{self.town_field: town})


class PlanTownQuerySet(TownQuerySet):
    town_field = "plan__town"


class PlanQuerySet(TownQuerySet):
    def for_town(self, town):
        # With the town: its achievement rule (reports.achievement.rule_for) costs no query.
        return super().for_town(town).select_related("town")

    def with_structure(self):
        return self.prefetch_related("policies", "pillars", "areas")


class Plan(models.Model):
    """One version of a town's DX推進計画 (1.0, or the 2.0 mid-term review)."""

    town = models.ForeignKey(
        Town, verbose_name="団体", on_delete=models.PROTECT, related_name="plans", default=only_town
    )
    slug = models.SlugField("計画ID", max_length=50, help_text="団体の中で重ならない英数字。")
    name = models.CharField("計画名", max_length=200)
    name_en, name_easy = translation_fields("計画名", 200)
    version = models.CharField("版", max_length=20)
    subtitle = models.CharField("副題", max_length=200, blank=True)
    published_on = models.DateField("策定・公表年月")
    period_start = models.DateField("計画期間開始")
    period_end = models.DateField("計画期間終了")
    revises = models.ForeignKey(
        "self",
        verbose_name="改定元計画",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisions",
    )
    in_force_from = models.PositiveSmallIntegerField(
        "適用開始年度",
        null=True,
        blank=True,
        help_text="この版で評価を始める年度（西暦の開始年）。空欄は計画期間の初年度。"
        "改定版は、改定元の版の最後の評価年度の翌年度から引き継ぎます。",
    )
    philosophy = models.CharField("基本理念", max_length=200, blank=True)
    theme = models.CharField("テーマ", max_length=200, blank=True)
    vision = models.CharField("目指す姿", max_length=200, blank=True)
    published_item_count = models.PositiveIntegerField(
        "公表された取組数",
        null=True,
        blank=True,
        help_text="計画書に記載された取組数（再掲分を含む）。登録済みの取組数と異なる場合に表示します。",
    )
    item_count_note = models.CharField("取組数の注記", max_length=200, blank=True)
    registered_items_note = models.TextField(
        "登録している取組の説明",
        blank=True,
        help_text="計画書の取組数と登録している取組の数が違う場合に、その理由を示します。",
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "計画"
        verbose_name_plural = "計画"
        ordering = ["published_on", "slug"]
        constraints = [models.UniqueConstraint(fields=["town", "slug"], name="unique_plan_slug")]

    def __str__(self):
        return f"{self.name}（{self.version}版）"

    def get_absolute_url(self):
        return reverse("plans:detail", args=[self.slug])

    @property
    def first_fiscal_year(self):
        """The first fiscal year evaluated under this version: when it takes effect."""
        return self.in_force_from or wareki.fiscal_year_of_date(self.period_start)

    @property
    def last_fiscal_year(self):
        return wareki.fiscal_year_of_date(self.period_end)

    @property
    def fiscal_years(self):
        """The fiscal years this version is in force for: its input, rounds and dashboards."""
        return range(self.first_fiscal_year, self.last_fiscal_year + 1)

    def covers_fiscal_year(self, fiscal_year):
        return self.first_fiscal_year <= fiscal_year <= self.last_fiscal_year

    def item_counts_differ(self, registered):
        """Whether the plan's printed item count is not the number of items registered."""
        return self.published_item_count is not None and self.published_item_count != registered

    @property
    def fiscal_years_label(self):
        """「令和8年度～令和10年度」"""
        first = wareki.fiscal_year_label(self.first_fiscal_year, with_western=False)
        last = wareki.fiscal_year_label(self.last_fiscal_year, with_western=False)
        return first if first == last else _("{first}～{last}").format(first=first, last=last)

    def handovers(self, plans):
        """The versions among ``plans`` that hold this line's other years (no query).

        [Handover(1.0版, 「令和7年度まで」)] for 2.0, [Handover(2.0版, 「令和8年度から」)] for 1.0.
        """
        earlier = [
            Handover(p, _("{year}まで").format(year=_short_year(p.last_fiscal_year)))
            for p in plans
            if p.pk == self.revises_id
        ]
        later = [
            Handover(p, _("{year}から").format(year=_short_year(p.first_fiscal_year)))
            for p in plans
            if p.revises_id == self.pk
        ]
        return earlier + later

    def version_in_force(self, fiscal_year, plans):
        """This plan if it is in force for the year, else the neighbouring version that is."""
        if self.covers_fiscal_year(fiscal_year):
            return self
        return next(
            (h.plan for h in self.handovers(plans) if h.plan.covers_fiscal_year(fiscal_year)),
            None,
        )

    @property
    def period_label(self):
        # Translators: a plan's period, 「令和5年8月～令和10年度末」.
        return _("{start}～{last_year}末").format(
            start=wareki.month_label(self.period_start),
            last_year=wareki.fiscal_year_label(self.last_fiscal_year, with_western=False),
        )


class Handover(NamedTuple):
    plan: "Plan"
    years: str  # 「令和7年度まで」


def _short_year(fiscal_year):
    return wareki.fiscal_year_label(fiscal_year, with_western=False)


class BasicPolicy(models.Model):
    """基本方針 ①意識改革 … ⑤運用の継続性."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="policies")
    number = models.PositiveSmallIntegerField("番号")
    name = models.CharField("方針", max_length=100)
    name_en, name_easy = translation_fields("方針", 100)

    class Meta:
        verbose_name = "基本方針"
        verbose_name_plural = "基本方針"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_policy_number")
        ]

    def __str__(self):
        return self.name

    @property
    def circled_number(self):
        return chr(0x2460 + self.number - 1) if 1 <= self.number <= 20 else str(self.number)


class ReviewPillar(models.Model):
    """見直しの3つの柱 of a revision."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="pillars")
    number = models.PositiveSmallIntegerField("番号")
    title = models.CharField("柱", max_length=200)
    description = models.TextField("内容", blank=True)

    class Meta:
        verbose_name = "見直しの柱"
        verbose_name_plural = "見直しの柱"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_pillar_number")
        ]

    def __str__(self):
        return self.title


class ThemeDirection(models.Model):
    """One of the directions of a revision's theme (2.0: 継続性, 深化, 深化, 進化)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="theme_directions")
    number = models.PositiveSmallIntegerField("番号")
    keyword = models.CharField("キーワード", max_length=50, help_text="例: 継続性、深化、進化")
    heading = models.CharField("見出し", max_length=200)
    description = models.TextField("内容", blank=True)

    class Meta:
        verbose_name = "テーマの方向性"
        verbose_name_plural = "テーマの方向性"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_theme_direction")
        ]

    def __str__(self):
        return self.heading


class RelatedPlan(models.Model):
    """A plan a version of the town's DX plan aligns with (国の自治体DX推進計画, 総合計画).

    ``printed_as`` keeps each way the plan document writes about it, one per line
    with where it is written: where the document contradicts itself (the national
    plan's revision is dated R7.1.2 in one place and R7.12 in another), both stay,
    with ``note``, and neither is picked.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="related_plans")
    number = models.PositiveSmallIntegerField("番号")
    name = models.CharField("計画名", max_length=200)
    issuer = models.CharField("策定主体", max_length=50, help_text="例: 国、中井町")
    edition = models.CharField("版", max_length=50, blank=True)
    printed_as = models.TextField(
        "計画書の記載",
        blank=True,
        help_text="計画書に書かれたとおりの記載。1行に1つ、どこに書かれているかを添えます。",
    )
    starts_fiscal_year = models.PositiveSmallIntegerField(
        "計画期間の開始年度", null=True, blank=True, help_text="西暦の開始年（令和8年度なら 2026）"
    )
    note = models.TextField("注記", blank=True)

    class Meta:
        verbose_name = "関連計画"
        verbose_name_plural = "関連計画"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_related_plan")
        ]

    def __str__(self):
        return f"{self.name}（{self.edition}）" if self.edition else self.name

    @property
    def printed_list(self):
        return [line.strip() for line in self.printed_as.splitlines() if line.strip()]

    @property
    def starts_label(self):
        if self.starts_fiscal_year is None:
            return ""
        return _("{year}～").format(year=wareki.fiscal_year_label(self.starts_fiscal_year))


class PriorityArea(models.Model):
    """重点施策区分: an area of a plan under which action items are listed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="areas")
    number = models.PositiveSmallIntegerField("番号")
    name = models.CharField("区分名", max_length=100)
    name_en, name_easy = translation_fields("区分名", 100)
    main_initiatives = models.CharField("主な取組", max_length=300, blank=True)
    main_initiatives_en, main_initiatives_easy = translation_fields("主な取組", 300)
    national_alignment = models.CharField(
        "国計画との整合",
        max_length=300,
        blank=True,
        help_text="計画書に書かれたとおりの記載。団体間の比較には下の「国計画の重点取組事項」を使います。",
    )
    national_items = models.ManyToManyField(
        "NationalPlanItem",
        verbose_name="国計画の重点取組事項",
        blank=True,
        related_name="areas",
        help_text="この区分が対応する国の自治体DX推進計画の重点取組事項。団体の比較はこの対応付けで集計します。",
    )
    added_in_revision = models.BooleanField("改定で追加", default=False)
    aliases = models.TextField(
        "別表記",
        blank=True,
        help_text="取込時に同じ区分とみなす表記。1行に1つ。",
    )
    printed_name = models.CharField(
        "計画書の表記",
        max_length=100,
        blank=True,
        help_text="計画書（この版）の重点施策体系の表が区分名を別の表記で載せている場合の、その表記。"
        "画面では区分名の横に「計画書の表記」として添えます。空欄なら区分名のとおり。",
    )

    objects = PlanTownQuerySet.as_manager()

    class Meta:
        verbose_name = "重点施策区分"
        verbose_name_plural = "重点施策区分"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_area_number"),
            models.UniqueConstraint(fields=["plan", "name"], name="unique_area_name"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reports:area", args=[self.plan.slug, self.number])

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def display_name(self):
        return f"{self.name}（追加）" if self.added_in_revision else self.name


class WellBeingDirection(models.Model):
    """総合計画の方向性: the Well-Being directions of the town's 総合計画 (中井町: six)."""

    town = models.ForeignKey(
        Town, verbose_name="団体", on_delete=models.CASCADE, related_name="+", default=only_town
    )
    number = models.PositiveSmallIntegerField("番号")
    name = models.CharField("方向性", max_length=50)
    name_en, name_easy = translation_fields("方向性", 50)
    dx_effects = models.CharField("DX施策で目指す効果", max_length=300, blank=True)

    objects = TownQuerySet.as_manager()

    class Meta:
        verbose_name = "総合計画の方向性"
        verbose_name_plural = "総合計画の方向性"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["town", "number"], name="unique_wellbeing_number"),
            models.UniqueConstraint(fields=["town", "name"], name="unique_wellbeing_name"),
        ]

    def __str__(self):
        return self.name


class WellBeingMeasure(models.Model):
    """A DX measure a plan's Well-Being table names under a direction (「DX施策で目指す効果」).

    Kept as the review places it, whether or not it is one of the registered items;
    ``area`` is set when the measure is a priority area of the plan.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="wellbeing_measures")
    direction = models.ForeignKey(
        WellBeingDirection,
        verbose_name="総合計画の方向性",
        on_delete=models.CASCADE,
        related_name="measures",
    )
    number = models.PositiveSmallIntegerField("順番")
    name = models.CharField("DX施策", max_length=200)
    area = models.ForeignKey(
        "PriorityArea",
        verbose_name="重点施策区分",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wellbeing_measures",
        help_text="DX施策が重点施策区分そのものである場合に設定します。",
    )

    class Meta:
        verbose_name = "総合計画と連動するDX施策"
        verbose_name_plural = "総合計画と連動するDX施策"
        ordering = ["plan", "direction__number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "direction", "number"], name="unique_wellbeing_measure"
            )
        ]

    def __str__(self):
        return f"{self.direction}: {self.name}"


class NationalPlanItem(models.Model):
    """An item of the national 自治体DX推進計画 that the town's plan aligns with."""

    edition = models.CharField("版", max_length=50, default="第5.0版")
    name = models.CharField("項目", max_length=100)

    class Meta:
        verbose_name = "国計画の項目"
        verbose_name_plural = "国計画の項目"
        ordering = ["edition", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "name"], name="unique_national_item")
        ]

    def __str__(self):
        return f"{self.name}（自治体DX推進計画{self.edition}）"


class Section(models.Model):
    """担当課: a section of the town office that owns action items."""

    town = models.ForeignKey(
        Town, verbose_name="団体", on_delete=models.CASCADE, related_name="+", default=only_town
    )
    name = models.CharField("担当課", max_length=100)
    unit = models.CharField("班", max_length=100, blank=True)

    objects = TownQuerySet.as_manager()

    class Meta:
        verbose_name = "担当課"
        verbose_name_plural = "担当課"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="unique_section_name")]

    def __str__(self):
        return f"{self.name} {self.unit}".strip()


class WorkingGroup(models.Model):
    """業務ワーキンググループ (ten were set up in 令和5年10月)."""

    town = models.ForeignKey(
        Town, verbose_name="団体", on_delete=models.CASCADE, related_name="+", default=only_town
    )
    number = models.PositiveSmallIntegerField("番号")
    name = models.CharField("名称", max_length=100)
    name_published = models.BooleanField("名称公表済み", default=False)

    objects = TownQuerySet.as_manager()

    class Meta:
        verbose_name = "業務ワーキンググループ"
        verbose_name_plural = "業務ワーキンググループ"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["town", "number"], name="unique_working_group")
        ]

    def __str__(self):
        return self.name


class GoverningBody(models.Model):
    """DX推進本部, DX推進連絡会, 業務ワーキンググループ: the bodies that carry the plan."""

    town = models.ForeignKey(
        Town, verbose_name="団体", on_delete=models.CASCADE, related_name="+", default=only_town
    )
    name = models.CharField("名称", max_length=100)
    aliases = models.TextField(
        "別表記", blank=True, help_text="計画書のほかの箇所での呼び方。1行に1つ。"
    )
    role = models.TextField("役割", blank=True)
    established_on = models.DateField("設置年月", null=True, blank=True)

    objects = TownQuerySet.as_manager()

    class Meta:
        verbose_name = "推進体制"
        verbose_name_plural = "推進体制"
        ordering = ["established_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="unique_governing_body")
        ]

    def __str__(self):
        return self.name

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def month_label(self):
        return (
            wareki.month_label(self.established_on, with_western=True)
            if self.established_on
            else ""
        )


class TimelineEventQuerySet(TownQuerySet):
    def for_area_name(self, name):
        return self.filter(areas__name=name).distinct() if name else self


class TimelineEvent(models.Model):
    """A dated DX initiative from the plan's 主な取組一覧 (section 3-3)."""

    town = models.ForeignKey(
        Town, verbose_name="団体", on_delete=models.CASCADE, related_name="+", default=only_town
    )
    occurred_on = models.DateField("年月", help_text="月の初日で記録します。")
    summary = models.CharField("取組概要", max_length=300)
    summary_en, summary_easy = translation_fields("取組概要", 300)
    areas = models.ManyToManyField(
        PriorityArea, verbose_name="対応する重点施策区分", blank=True, related_name="events"
    )
    is_other = models.BooleanField("その他", default=False)
    before_plan = models.BooleanField("計画策定以前", default=False)

    objects = TimelineEventQuerySet.as_manager()

    class Meta:
        verbose_name = "主な取組（年表）"
        verbose_name_plural = "主な取組（年表）"
        ordering = ["occurred_on", "id"]

    def __str__(self):
        return f"{wareki.month_label(self.occurred_on)} {self.summary}"

    @property
    def month_label(self):
        return wareki.month_label(self.occurred_on, with_western=True)


class PublishedFigure(models.Model):
    """A figure as the plan printed it (e.g. table 3-2), kept to compare with the engine.

    ``area`` is empty for the total row.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="published_figures")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    area = models.ForeignKey(
        PriorityArea, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField("出典", max_length=200)
    total = models.PositiveIntegerField("取組数")
    achieved = models.PositiveIntegerField("達成")
    partially_achieved = models.PositiveIntegerField("一部達成")
    not_achieved = models.PositiveIntegerField("未達成")
    undeterminable = models.PositiveIntegerField("判定不可")
    rate = models.DecimalField("達成度（%）", max_digits=4, decimal_places=1)
    printed_area_name = models.CharField(
        "表の区分名の表記",
        max_length=100,
        blank=True,
        help_text="表が区分名を別の表記で載せている場合の、その表記。空欄なら区分名のとおり。",
    )
    note = models.TextField(
        "表の注記",
        blank=True,
        help_text="計画書が表の下に載せた注記（合計の行に記録します）。",
    )

    class Meta:
        verbose_name = "公表値"
        verbose_name_plural = "公表値"
        ordering = ["plan", "fiscal_year", "area__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "fiscal_year", "area"], name="unique_published_figure"
            ),
            models.UniqueConstraint(
                fields=["plan", "fiscal_year"],
                condition=models.Q(area__isnull=True),
                name="unique_published_total",
            ),
        ]

    def __str__(self):
        return f"{self.plan} {self.fiscal_year} {self.area or '合計'} {self.rate}%"


class DataVersion(models.Model):
    """A number that changes with every write; cached figures and pages are keyed by it.

    One row for a plan and fiscal year (its statuses, KPI actuals, lock and
    publication), one for a plan (``fiscal_year`` 0: the plan, its areas, items
    and KPIs) and one for what every plan of a town shows (``plan_id`` 0: its
    sections, working groups …). Every row carries its town, so a town's
    versions are read by the town key alone. Only plans.versions writes here.
    No foreign keys: a deleted plan's rows stay, so the pages that listed it
    change their key too.
    """

    town_id = models.PositiveBigIntegerField(default=0)
    plan_id = models.PositiveBigIntegerField(default=0)
    fiscal_year = models.PositiveSmallIntegerField(default=0)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "データの版"
        verbose_name_plural = "データの版"
        constraints = [
            models.UniqueConstraint(
                fields=["town_id", "plan_id", "fiscal_year"], name="unique_data_version"
            )
        ]

    def __str__(self):
        return f"{self.town_id}/{self.plan_id}/{self.fiscal_year}: {self.version}"
