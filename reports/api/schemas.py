"""The documents the API answers with; the OpenAPI schema is generated from these.

Years are 西暦 (the year a fiscal year starts, 2025 = 令和7年度) with the 和暦
label beside them, as the open-data CSV gives them. Rates are percentages
rounded half-up to one decimal, null where no item has been evaluated.
"""

from datetime import date

from ninja import Field, Schema


class YearRef(Schema):
    fiscal_year: int = Field(description="年度（西暦の開始年）", examples=[2025])
    label: str = Field(description="和暦の表記", examples=["令和7年度（2025年度）"])


class PublishedYear(YearRef):
    achievement: str = Field(description="この年度の達成度（API）のURL")
    statuses: str = Field(description="この年度の取組ごとの達成状況（API）のURL")


class PlanSummary(Schema):
    slug: str = Field(description="計画ID", examples=["nakai-dx-1.0"])
    name: str
    version: str
    title: str = Field(description="計画名と版")
    published_on: date = Field(description="策定・公表年月（月の初日）")
    period_start: date
    period_end: date
    fiscal_years: list[int] = Field(description="この版で評価する年度")
    revises: str | None = Field(description="改定元の計画ID")
    published_years: list[YearRef] = Field(description="評価を公表済みの年度")
    url: str = Field(description="この計画（API）のURL")
    html: str


class Policy(Schema):
    number: int
    name: str


class Area(Schema):
    number: int
    name: str
    main_initiatives: str
    national_alignment: str = Field(description="国の自治体DX推進計画との整合")
    added_in_revision: bool
    aliases: list[str] = Field(description="計画書などでの別表記")
    html: str


class PlanDetail(PlanSummary):
    subtitle: str
    philosophy: str = Field(description="基本理念")
    theme: str
    vision: str
    published_item_count: int | None = Field(description="計画書に記載された取組数（再掲分を含む）")
    item_count_note: str
    policies: list[Policy] = Field(description="基本方針")
    areas: list[Area] = Field(description="重点施策区分")


class AreaRef(Schema):
    number: int
    name: str


class Item(Schema):
    code: str = Field(description="取組番号（計画書のとおり）")
    title: str
    name_published: bool = Field(
        description="計画書で名称が公表されているか（false は件数だけ公表された取組の仮の名前）"
    )
    description: str
    primary_area: AreaRef
    relisted_areas: list[AreaRef] = Field(description="再掲された区分")
    section: str | None = Field(description="担当課")
    url: str
    html: str


class YearStatus(Schema):
    fiscal_year: int
    label: str
    status: str | None = Field(
        description="achieved / partially_achieved / not_achieved / undeterminable。null は未評価"
    )
    status_label: str = Field(description="達成 / 一部達成 / 未達成 / 判定不可 / 未評価")
    comment: str = Field(description="備考（公開）")


class KpiValue(Schema):
    fiscal_year: int
    label: str
    value: float


class KpiDocument(Schema):
    item_code: str
    item_title: str
    name: str
    unit: str
    baseline_value: float | None
    baseline_year: int | None
    target_value: float | None
    target_year: int | None
    note: str
    actuals: list[KpiValue] = Field(description="公表済みの年度の実績値")


class ItemDetail(Item):
    statuses: list[YearStatus] = Field(description="公表済みの年度の達成状況")
    kpis: list[KpiDocument]


class ItemStatus(Schema):
    code: str
    title: str
    name_published: bool
    primary_area: int = Field(description="主な区分の番号")
    status: str | None
    status_label: str
    comment: str
    url: str


class TimelineArea(Schema):
    plan: str
    number: int
    name: str


class TimelineEvent(Schema):
    occurred_on: date = Field(description="年月（月の初日）")
    label: str = Field(description="和暦と西暦の年月")
    summary: str
    areas: list[TimelineArea]
    is_other: bool
    before_plan: bool = Field(description="計画策定以前の取組")


# --- the engine's document (reports.achievement.Achievement.as_dict) ------------------


class Counts(Schema):
    total: int = Field(description="取組数（区分では再掲を含む）")
    achieved: int
    partially_achieved: int
    not_achieved: int
    undeterminable: int
    not_evaluated: int = Field(description="未評価（達成度の分母に含めない）")
    evaluated: int = Field(description="評価済み（達成度の分母）")


class AreaFigures(Counts):
    number: int
    name: str
    relisted: int = Field(description="他の区分から再掲された取組の数")
    rate: float | None = Field(description="達成度（%）")
    provisional: bool = Field(description="未評価の取組が残るままの暫定の達成度")


class OverallFigures(Counts):
    pooled_rate: float | None = Field(description="全取組を合算した達成度（%）")
    mean_of_area_rates: float | None = Field(description="区分別達成度の平均（%）")
    provisional: bool


class RuleDocument(Schema):
    formula: str
    undeterminable_in_denominator: bool
    partial_weight: float
    count_listings: bool
    notes: list[str]


class PublishedAreaFigure(Schema):
    number: int
    name: str
    published_rate: float
    computed_rate: float | None
    matches: bool


class PublishedComparison(Schema):
    source: str
    overall_rate: float | None
    matches_pooled_rate: bool | None
    matches_mean_of_area_rates: bool | None
    explanation: str
    areas: list[PublishedAreaFigure]


class ItemCounts(Schema):
    registered: int
    in_plan_document: int | None
    in_plan_document_note: str


class Achievement(Schema):
    plan: str
    plan_name: str
    fiscal_year: int
    fiscal_year_label: str
    areas: list[AreaFigures]
    overall: OverallFigures
    rule: RuleDocument
    published: PublishedComparison | None = Field(description="計画書の公表値との比較")
    plan_item_counts: ItemCounts


class Error(Schema):
    detail: str
