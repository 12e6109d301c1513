"""The town's data as loaded by ``loaddata nakai_dx_plan`` holds every figure of the review.

The expected values below are typed from the review itself (中井町DX推進計画（2.0版）
中間見直しについて, 令和8年4月), spelled as it prints them, never read from the fixture
builder: a slip in the builder shows up here as a difference from the printed page.
"""

import datetime
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from actions.models import ActionItem, EvaluationYear, Kpi, Status, YearlyStatus
from plans.models import (
    GoverningBody,
    Plan,
    PriorityArea,
    PublishedFigure,
    RelatedPlan,
    TimelineEvent,
    WellBeingDirection,
    WellBeingMeasure,
    WorkingGroup,
)
from reports.achievement import compute_achievement

pytestmark = pytest.mark.usefixtures("town_data")
ROOT = Path(__file__).resolve().parents[2]

# The review spells two areas several ways; the product files them under one name and
# keeps the others as aliases (README, 町のデータ).
SEED_SPELLINGS = {
    "デジタルデバйд対策": "デジタルデバイド対策",
    "デジタルデバインド対策": "デジタルデバイド対策",
    "セキュリティ対策の強化": "セキュリティ対策の徹底",
}


def as_stored(text):
    for printed, stored in SEED_SPELLINGS.items():
        text = text.replace(printed, stored)
    return text


def rows(block):
    return [[cell.strip() for cell in line.split("|")] for line in block.strip().splitlines()]


# 3-2. 取組の達成状況: 重点施策分野 | 取組数 | 達成 | 一部達成 | 未達成 | 判定不可 | 達成度
TABLE_3_2 = rows("""
    町民サービスの向上 | 8 | 6 | 1 | 1 | 0 | 87.5%
    行政事務の効率化 | 9 | 4 | 2 | 3 | 0 | 66.7%
    セキュリティ対策の徹底 | 3 | 3 | 0 | 0 | 0 | 100.0%
    デジタルデバйд対策 | 2 | 1 | 0 | 0 | 1 | 50.0%
    地域社会のデジタル化 | 8 | 0 | 1 | 6 | 1 | 12.5%
    合計 | 30 | 14 | 4 | 10 | 2 | 63.3%
""")

# 3-2. 取組の進捗状況（主な達成・未達成項目）: the 16 boxes, 【area】 title figures status.
# A box breaks its text over lines; the item is titled with a break inside a phrase joined
# (printed 「統合型・公開型GISの / 導入・運用開始」, 「システム調達ガイドラインの策 / 定」,
# 「地域通貨の電子化方針の / 決定」, 「ガバメントクラウド接続、 / 標準化システムへの移行完了」,
# 「人材育成方針改定 / (デジタル人材位置づけ)」) and one between two phrases kept as a space.
BOXES = rows("""
    町民サービスの向上 | マイナンバーカード交付率 | 74%→100% | 達成
    行政事務の効率化 | 生成AIガイドライン策定 生成AI導入 | | 達成
    デジタルデバインド対策 | スマホ相談会実施回数 | 2回/年→9回/年 | 達成
    行政事務の効率化 | RPAの導入方針の決定 | | 未達成
    町民サービスの向上 | コンビニ交付利用率 | 9.1%→22.1% | 達成
    行政事務の効率化 | 統合型・公開型GISの導入・運用開始 | | 達成
    町民サービスの向上 | オンライン申請対応手続き数 | 9手続き→26手続き | 一部達成
    行政事務の効率化 | システム調達ガイドラインの策定 | | 未達成
    町民サービスの向上 | 書かない窓口運用開始 | | 達成
    行政事務の効率化 | 人材育成方針改定(デジタル人材位置づけ) | | 達成
    行政事務の効率化 | テレワーク実施職員数 | 47人/年→53人/年 | 一部達成
    地域社会のデジタル化 | 地域通貨の電子化方針の決定 | | 未達成
    行政事務の効率化 | ガバメントクラウド接続、標準化システムへの移行完了 | | 達成
    セキュリティ対策の強化 | 重大インシデント発生件数 | 0件 | 達成
    行政事務の効率化 | ペーパーレスの推進 NW無線化、モニター整備等 | | 一部達成
    地域社会のデジタル化 | オープンデータの公開数 | 33項目→35項目 | 未達成
""")

# The seven boxes that print a figure, as KPIs: name | unit | 基準値 | 令和7年度の実績.
KPIS = rows("""
    マイナンバーカード交付率 | % | 74 | 100
    コンビニ交付利用率 | % | 9.1 | 22.1
    スマホ相談会実施回数 | 回/年 | 2 | 9
    オンライン申請対応手続き数 | 手続き | 9 | 26
    テレワーク実施職員数 | 人/年 | 47 | 53
    重大インシデント発生件数 | 件 | | 0
    オープンデータの公開数 | 項目 | 33 | 35
""")

# 3-3. 主な取組一覧（計画策定以前）and（計画策定以後）: 年 | 月 | 取組概要 | 対応する重点施策区分
TIMELINE_BEFORE = rows("""
    平成30年 | 7月 | 公衆Wi-Fiスポットの整備・運用開始（役場庁舎、井ノロ公民館、里都まちカフェ） | 地域社会のデジタル化/防災DXの推進
    令和2年 | 8月 | Web会議システムの導入・運用開始 | 地域社会のデジタル化/防災DXの推進
    令和3年 | 3月 | 一般利用者向けテレワーク環境の整備・運用開始（農村環境改善センター、井ノロ公民館） | 地域社会のデジタル化/防災DXの推進
    令和3年 | 4月 | コンビニ交付サービス開始（住民票、印鑑証明） | 町民サービスの向上
    令和3年 | 4月 | DX担当部署として総務課 情報班を新設（現：企画課 デジタル推進班） | その他
    令和3年 | 4月 | GIGAスクール開始（小中学校での1人1台タブレット端末利用開始） | 地域社会のデジタル化
    令和3年 | 8月 | テレワーク本格運用開始 | 行政事務の効率化
    令和3年 | 10月 | 全庁的に押印廃止に伴う規則改正を実施、押印廃止に伴う条例改正は12月議会に上程 | 地域社会のデジタル化
    令和4年 | 1月 | 中井町デジタル化に関するアンケート調査実施 | その他
    令和4年 | 4月 | 町ホームページのリニューアル（シナリオ型チャットボット開始、オープンデータ公開） | 町民サービスの向上/地域社会のデジタル化
    令和4年 | 6月 | 庁内チャットツール運用開始 | 行政事務の効率化
    令和4年 | 9月 | AI会議録システム運用開始 | 行政事務の効率化
    令和4年 | 10月 | 庁舎窓口でのキャッシュレス決済サービス開始 | 町民サービスの向上
    令和5年 | 4月 | 第2次神奈川情報セキュリティクラウド運用開始 | セキュリティ対策の徹底
    令和5年 | 4月 | 納税環境のスマートフォン決裁対応開始（個人住民税、軽自動車税、固定資産税、国民健康保険税） | 町民サービスの向上
    令和5年 | 5月 | どこでも内線サービス運用開始 | 行政事務の効率化
""")
TIMELINE_AFTER = rows("""
    令和5年 | 8月 | 中井町DX推進計画を公表 | その他
    令和5年 | 10月 | 中井町DX推進本部、推進連絡会議、業務ワーキンググループ設置 | その他
    令和6年 | 3月 | 庁内ネットワーク環境再構築 | セキュリティ対策の徹底
    令和6年 | 6月 | 庁内情報系データBCP対策開始（バックアップデータの外部保管サービス） | セキュリティ対策の徹底
    令和6年 | 8月 | 生成AI利活用ガイドライン策定 | 行政事務の効率化
    令和6年 | 9月 | デジタルデバйд対策の一環として、町敬老会でのスマホ活用術講演会を実施 | デジタルデバйд対策
    令和6年 | 10月 | コンビニ交付サービス拡充（税証明） | 町民サービスの向上
    令和7年 | 1月 | 保育ICTシステムの導入・運用開始 | 町民サービスの向上
    令和7年 | 2月 | 職員業務用パソコンのモバイル端末化開始 | 行政事務の効率化
    令和7年 | 3月 | 中井町人材育成基本方針の改定（DX人材について位置づけ） | 行政事務の効率化
    令和7年 | 5月 | 書かない窓口システム、新オンライン申請システム（オンライン手続きなかい）の運用開始 | 町民サービスの向上
    令和7年 | 5月 | 第5次LGWAN環境移行 | セキュリティ対策の徹底
    令和7年 | 6月 | デジタルミーティングボード、大型モニタの導入、運用開始 | 行政事務の効率化
    令和7年 | 6月 | デジタルデバйд対策としてスマホなんでも相談会を開始（町内公共施設で毎月開催） | デジタルデバйд対策
    令和7年 | 8月 | 生成AIの全庁での業務利用開始 | 行政事務の効率化
    令和7年 | 8月 | デジタル人材育成のためDX推進リーダーの選出（庁内各所属から1名ずつ） | 行政事務の効率化
    令和7年 | 12月 | システム標準化・ガバメントクラウド接続完了 | 行政事務の効率化
    令和7年 | 12月 | 庁内ネットワーク（LGWAN系）無線化による庁内会議等の原則ペーパーレス化開始 | 行政事務の効率化
    令和7年 | 12月 | 第七次中井町総合計画公表（「幸福度」を軸としたアンケート調査結果についてAI因果分析を実施） | 行政事務の効率化
    令和8年 | 3月 | 統合型・公開型GIS運用開始 | 町民サービスの向上/防災DXの推進
    令和8年 | 3月 | 施設予約システムのリニューアル（使用料のキャッシュレス決済対応、スマートロック対応） | 町民サービスの向上
""")
ERA_YEARS = {
    "平成30年": 2018,
    "令和2年": 2020,
    "令和3年": 2021,
    "令和4年": 2022,
    "令和5年": 2023,
    "令和6年": 2024,
    "令和7年": 2025,
    "令和8年": 2026,
}

# 1. 中間見直しの概要, 重点施策体系: No. | 重点施策区分 | 主な取組 | 国計画との整合
AREAS_2 = rows("""
    1 | 町民サービスの向上 | フロントヤード改革 eL-QR対応 等 | フロントヤード改革 eL-QR対応 等
    2 | 行政事務の効率化 | 生成AI活用 BPR推進 等 | システム標準化・共通化 生成AIの利用推進 等
    3 | セキュリティ対策の徹底 | ゼロトラスト検討、職員研修 等 | セキュリティ対策の徹底
    4 | デジタルデバインド対策 | スマホ相談会、きめ細かな支援 等 | デジタルデバインド対策
    5 | 地域社会のデジタル化 | オープンデータ拡充 GIGAスクール推進 等 | デジタル実装の推進 地域社会のデジタル化
    6 | 防災DXの推進（追加） | 災害時を想定したGIS活用訓練 等 | オープンデータ・官民データ 活用の推進 等
""")

# 1. 中間見直しの概要, 総合計画との連動: 総合計画の方向性 | DX施策で目指す効果
WELLBEING = rows("""
    よく暮らす | 防災DXの推進、オープンデータの拡充 等
    よく働く | 地域通貨電子化、生成AIの利活用の推進 等
    よく学ぶ | GIGAスクール推進、テレワーク環境 等
    よい心身 | オンライン相談、検診データ活用 等
    よい繋がり | デジタルデバインド対策、地域通貨電子化 等
    よい行政 | フロントヤード改革、eL-QR対応 等
""")

# 5. 今後の取組の方向性: the theme and its four directions (■ headings).
THEME = "継続性をもった取組によるDXの“深化と進化”"
THEME_DIRECTIONS = [
    "計画の着実な進捗を踏まえた『継続性』",
    "導入段階から活用・定着段階への『深化』",
    "ユーザーエクスペリエンスを意識した『深化』",
    "導入済み技術の横展開と社会環境の変化への対応による『進化』",
]


def cell_names(cell):
    """「フロントヤード改革 eL-QR対応 等」 -> the names it lists."""
    return [name for name in re.split(r"[\s、]+", cell) if name and name != "等"]


def squeezed(text):
    return re.sub(r"[\s、]", "", text)


def test_the_fixture_is_what_its_generator_writes():
    result = subprocess.run(
        [sys.executable, str(ROOT / "fixtures" / "build_nakai_dx_plan.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_every_cell_of_table_3_2_is_stored_as_printed():
    assert sum(len(row) - 1 for row in TABLE_3_2) == 36
    plan = Plan.objects.get(slug="nakai-dx-1.0")
    printed = {
        (figure.area.name if figure.area else "合計"): figure
        for figure in PublishedFigure.objects.filter(plan=plan, fiscal_year=2025)
    }
    assert len(printed) == 6
    for name, total, achieved, partial, not_achieved, undeterminable, rate in TABLE_3_2:
        figure = printed[as_stored(name)]
        assert (
            figure.total,
            figure.achieved,
            figure.partially_achieved,
            figure.not_achieved,
            figure.undeterminable,
            figure.rate,
        ) == (
            int(total),
            int(achieved),
            int(partial),
            int(not_achieved),
            int(undeterminable),
            Decimal(rate.rstrip("%")),
        ), name


def test_the_statuses_recount_to_every_cell_of_table_3_2():
    achievement = compute_achievement(Plan.objects.get(slug="nakai-dx-1.0"), 2025)
    by_name = {result.area.name: result for result in achievement.areas}
    *areas, total_row = TABLE_3_2
    assert [as_stored(row[0]) for row in areas] == list(by_name)
    for name, total, achieved, partial, not_achieved, undeterminable, rate in areas:
        result = by_name[as_stored(name)]
        counts = result.counts
        assert [
            counts.total,
            counts.achieved,
            counts.partially_achieved,
            counts.not_achieved,
            counts.undeterminable,
        ] == [int(total), int(achieved), int(partial), int(not_achieved), int(undeterminable)]
        assert counts.not_evaluated == 0
        assert result.rate_display == rate, name
    overall = achievement.overall
    assert [
        overall.total,
        overall.achieved,
        overall.partially_achieved,
        overall.not_achieved,
        overall.undeterminable,
    ] == [int(cell) for cell in total_row[1:6]]
    # The printed total 63.3% is the mean of the five area rates, not the footnote's formula.
    assert f"{achievement.mean_of_area_rates_percent}%" == total_row[6]
    assert f"{achievement.pooled_rate_percent}%" == "60.0%"


def test_the_16_boxes_are_named_items_with_their_area_and_status():
    named = ActionItem.objects.filter(plan__slug="nakai-dx-1.0", name_published=True)
    assert named.count() == len(BOXES) == 16
    for area, title, figures, status in BOXES:
        item = named.get(title=title)
        assert item.primary_area.name == as_stored(area), title
        yearly = YearlyStatus.objects.get(item=item, fiscal_year=2025)
        assert yearly.get_status_display() == status, title
        if figures:
            assert yearly.comment == figures, title
        else:
            assert "表3-2" not in yearly.comment
        if status in ("未達成", "判定不可") and not figures:
            assert yearly.comment == "「3-2 取組の進捗状況」による。", title


def test_the_14_unnamed_items_are_placeholders_citing_the_table():
    unnamed = ActionItem.objects.filter(plan__slug="nakai-dx-1.0", name_published=False)
    assert unnamed.count() == 30 - len(BOXES) == 14
    for item in unnamed:
        assert item.title.startswith(f"{item.primary_area.name} – 名称未公表の取組 ")
        assert "「3-2 取組の達成状況」の表では件数のみが公表され" in item.description
        assert "表3-2" not in item.description


def test_the_seven_kpis_carry_the_printed_figures_and_cite_the_progress_boxes():
    kpis = {kpi.name: kpi for kpi in Kpi.objects.prefetch_related("actuals")}
    assert sorted(kpis) == sorted(row[0] for row in KPIS)
    for name, unit, baseline, actual in KPIS:
        kpi = kpis[name]
        assert kpi.unit == unit, name
        assert kpi.baseline_value == (Decimal(baseline) if baseline else None), name
        assert [(a.fiscal_year, a.value) for a in kpi.actuals.all()] == [(2025, Decimal(actual))]
        assert (kpi.target_value, kpi.baseline_year, kpi.target_year) == (None, None, None)
        box = next(row for row in BOXES if row[1] == name)
        assert f"「3-2 取組の進捗状況」に「{name} {box[2]}」と記載された値です。" in kpi.note
        assert "表3-2" not in kpi.note
        assert kpi.item.title == name


def test_the_37_timeline_events_are_stored_as_printed_in_order():
    printed = [(row, True) for row in TIMELINE_BEFORE] + [(row, False) for row in TIMELINE_AFTER]
    assert (len(TIMELINE_BEFORE), len(TIMELINE_AFTER)) == (16, 21)
    events = list(TimelineEvent.objects.prefetch_related("areas").order_by("occurred_on", "id"))
    assert len(events) == len(printed) == 37
    for event, ((year, month, summary, areas), before_plan) in zip(events, printed, strict=True):
        month_number = int(month.rstrip("月"))
        assert event.occurred_on == datetime.date(ERA_YEARS[year], month_number, 1), summary
        assert event.summary == as_stored(summary)
        names = [as_stored(name) for name in areas.split("/")]
        assert sorted(a.name for a in event.areas.all()) == sorted(
            n for n in names if n != "その他"
        )
        assert all(a.plan.slug == "nakai-dx-2.0" for a in event.areas.all())
        assert event.is_other == ("その他" in names), summary
        assert event.before_plan == before_plan, summary


def test_plan_2_registers_the_main_initiatives_of_each_area_and_its_printed_alignment():
    areas = list(PriorityArea.objects.filter(plan__slug="nakai-dx-2.0").prefetch_related("items"))
    assert len(areas) == len(AREAS_2)
    for area, (number, name, initiatives, alignment) in zip(areas, AREAS_2, strict=True):
        assert area.number == int(number)
        assert area.display_name == as_stored(name)
        assert [item.title for item in area.items.all()] == cell_names(initiatives)
        assert squeezed(area.main_initiatives) == squeezed(initiatives)
        assert squeezed(area.national_alignment) == squeezed(as_stored(alignment))
    items = ActionItem.objects.filter(plan__slug="nakai-dx-2.0")
    assert items.count() == 11
    # The review pairs areas, not single items, with the national plan.
    assert not items.filter(national_items__isnull=False).exists()


def test_the_plans_keep_the_printed_item_counts():
    one = Plan.objects.get(slug="nakai-dx-1.0")
    two = Plan.objects.get(slug="nakai-dx-2.0")
    # 「アクションプランに位置付けた30個の取組」「30個から27個（再掲分含む）に整理」
    assert (one.published_item_count, two.published_item_count) == (30, 27)
    assert two.item_count_note == "再掲分含む"
    assert "11取組を登録しています" in two.registered_items_note


def test_the_wellbeing_measures_are_placed_as_the_review_places_them():
    directions = list(WellBeingDirection.objects.all())
    assert [d.name for d in directions] == [row[0] for row in WELLBEING]
    measures = WellBeingMeasure.objects.filter(plan__slug="nakai-dx-2.0").select_related(
        "direction", "area"
    )
    placed = {}
    for measure in measures:
        placed.setdefault(measure.direction.name, []).append(measure.name)
    assert placed == {name: cell_names(as_stored(cell)) for name, cell in WELLBEING}
    for name in ("地域通貨電子化", "テレワーク環境", "オンライン相談", "検診データ活用"):
        assert measures.filter(name=name).exists(), name
    assert {m.name: m.area.name for m in measures if m.area} == {
        "防災DXの推進": "防災DXの推進",
        "デジタルデバイド対策": "デジタルデバイド対策",
    }


def test_item_wellbeing_links_beyond_the_table_are_only_the_towns_two():
    linked = {
        (item.title, direction.name)
        for item in ActionItem.objects.prefetch_related("wellbeing_directions")
        for direction in item.wellbeing_directions.all()
    }
    # 「生成AIの利活用の推進」「オープンデータの拡充」 are read by the town as these two items.
    assert linked == {("生成AI活用", "よく働く"), ("オープンデータ拡充", "よく暮らす")}


def test_the_theme_and_its_four_directions():
    two = Plan.objects.get(slug="nakai-dx-2.0")
    assert two.theme == THEME
    assert [d.heading for d in two.theme_directions.all()] == THEME_DIRECTIONS
    assert [d.keyword for d in two.theme_directions.all()] == ["継続性", "深化", "深化", "進化"]
    assert not Plan.objects.get(slug="nakai-dx-1.0").theme_directions.exists()


def test_both_printings_of_the_national_plans_revision_date_are_kept_with_a_note():
    national = RelatedPlan.objects.get(plan__slug="nakai-dx-2.0", name="自治体DX推進計画")
    assert (national.issuer, national.edition) == ("国", "第5.0版")
    assert national.printed_list == [
        "国の自治体DX推進計画 第5.0版改定（R7.1.2）（1. 中間見直しの概要）",
        "国の自治体DX推進計画 第5.0版改定（R7.12）（2. 中間見直しの背景と考え方）",
    ]
    assert "R7.1.2" in national.note and "R7.12" in national.note
    general = RelatedPlan.objects.get(plan__slug="nakai-dx-2.0", name="第七次中井町総合計画")
    assert general.starts_fiscal_year == 2026
    assert general.starts_label == "令和8年度（2026年度）～"
    assert "第七次中井町総合計画策定（R8年度～）" in general.printed_as
    # Plan 1.0 states no alignment with the national plan's 第5.0版: that is the review's.
    assert not RelatedPlan.objects.filter(plan__slug="nakai-dx-1.0").exists()


def test_the_bodies_say_what_section_3_1_says_with_the_alias_of_3_3():
    bodies = {body.name: body for body in GoverningBody.objects.all()}
    assert set(bodies) == {"DX推進本部", "DX推進連絡会", "業務ワーキンググループ"}
    # 「ワーキンググループでの検討事項の報告・全庁的な共有を図るため、「DX推進連絡会」及び
    # 「DX推進本部」を設置しました。」
    for name in ("DX推進本部", "DX推進連絡会"):
        assert (
            bodies[name].role
            == "ワーキンググループでの検討事項の報告・全庁的な共有を図るため設置。"
        )
        assert bodies[name].established_on == datetime.date(2023, 10, 1)
    assert bodies["DX推進連絡会"].alias_list == ["推進連絡会議"]
    assert "延べ70回" in bodies["業務ワーキンググループ"].role
    assert WorkingGroup.objects.count() == 10


def test_both_plan_versions_with_their_periods():
    one = Plan.objects.get(slug="nakai-dx-1.0")
    two = Plan.objects.get(slug="nakai-dx-2.0")
    assert two.revises == one
    assert (one.period_start, one.period_end) == (
        datetime.date(2023, 8, 1),
        datetime.date(2026, 3, 31),
    )
    assert two.period_end == datetime.date(2029, 3, 31)
    assert two.published_on == datetime.date(2026, 4, 1)
    assert two.period_label == "令和5年8月～令和10年度末"
    assert one.period_label == "令和5年8月～令和7年度末"
    assert two.philosophy == "共創と協創～誰もがデジタルの恩恵を享受するまちづくり～"
    assert two.vision == "町民の幸福実感（Well-Being）向上につながるDXの推進"


def test_the_five_basic_policies_are_kept_in_both_versions():
    for plan in Plan.objects.all():
        assert [p.name for p in plan.policies.all()] == [
            "意識改革",
            "全員で進める",
            "スモールスタート",
            "迅速かつ柔軟に",
            "運用の継続性",
        ]
    assert [p.title for p in Plan.objects.get(slug="nakai-dx-2.0").pillars.all()] == [
        "自治体DX推進計画（第5.0版）との整合",
        "第七次総合計画（Well-Being視点）の反映",
        "重点施策体系の見直し",
    ]


def test_misspelt_area_names_are_kept_as_aliases():
    divide = PriorityArea.objects.get(plan__slug="nakai-dx-1.0", name="デジタルデバイド対策")
    assert divide.alias_list == ["デジタルデバインド対策", "デジタルデバйд対策"]
    security = PriorityArea.objects.get(plan__slug="nakai-dx-1.0", number=3)
    assert security.name == "セキュリティ対策の徹底"
    assert security.alias_list == ["セキュリティ対策の強化"]
    assert not PriorityArea.objects.filter(name__contains="й").exists()


def test_plan_1_2025_is_locked_and_published_and_nothing_else_is():
    assert (
        YearlyStatus.objects.filter(item__plan__slug="nakai-dx-1.0", fiscal_year=2025).count() == 30
    )
    assert not YearlyStatus.objects.exclude(fiscal_year=2025).exists()
    assert list(
        EvaluationYear.objects.values_list("plan__slug", "fiscal_year", "is_locked", "is_published")
    ) == [("nakai-dx-1.0", 2025, True, True)]
    assert not YearlyStatus.objects.filter(status="").exists()
    assert set(YearlyStatus.objects.values_list("status", flat=True)) <= set(Status.values)


def test_no_text_of_the_fixture_cites_table_3_2_for_a_box_or_claims_a_decision_role():
    text = (ROOT / "fixtures" / "nakai_dx_plan.json").read_text(encoding="utf-8")
    assert "表3-2" not in text
    assert "意思決定" not in text
