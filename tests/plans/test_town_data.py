"""The town's data as loaded by ``loaddata nakai_dx_plan`` follows the published review."""

import datetime
import subprocess
import sys
from pathlib import Path

import pytest

from actions.models import ActionItem, EvaluationYear, Kpi, Status, YearlyStatus
from plans.models import (
    GoverningBody,
    Plan,
    PriorityArea,
    TimelineEvent,
    WellBeingDirection,
    WorkingGroup,
)

pytestmark = pytest.mark.usefixtures("town_data")
ROOT = Path(__file__).resolve().parents[2]


def test_the_fixture_is_what_its_generator_writes():
    result = subprocess.run(
        [sys.executable, str(ROOT / "fixtures" / "build_nakai_dx_plan.py"), "--check"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr


def test_both_plan_versions_with_their_periods():
    one = Plan.objects.get(slug="nakai-dx-1.0")
    two = Plan.objects.get(slug="nakai-dx-2.0")
    assert two.revises == one
    assert (one.period_start, one.period_end) == (datetime.date(2023, 8, 1), datetime.date(2026, 3, 31))
    assert two.period_end == datetime.date(2029, 3, 31)
    assert two.published_on == datetime.date(2026, 4, 1)
    assert two.period_label == "令和5年8月～令和10年度末"
    assert list(one.fiscal_years) == [2023, 2024, 2025]
    assert two.philosophy == "共創と協創～誰もがデジタルの恩恵を享受するまちづくり～"
    assert two.theme == "継続性をもった取組によるDXの“深化と進化”"
    assert two.vision == "町民の幸福実感（Well-Being）向上につながるDXの推進"
    assert (one.published_item_count, two.published_item_count) == (30, 27)


def test_the_five_basic_policies_are_kept_in_both_versions():
    for plan in Plan.objects.all():
        assert [p.name for p in plan.policies.all()] == [
            "意識改革", "全員で進める", "スモールスタート", "迅速かつ柔軟に", "運用の継続性",
        ]
    assert Plan.objects.get(slug="nakai-dx-2.0").pillars.count() == 3


def test_plan_2_adds_disaster_dx_as_a_sixth_area():
    areas = list(PriorityArea.objects.filter(plan__slug="nakai-dx-2.0"))
    assert [a.name for a in areas] == [
        "町民サービスの向上", "行政事務の効率化", "セキュリティ対策の徹底",
        "デジタルデバイド対策", "地域社会のデジタル化", "防災DXの推進",
    ]
    assert [a.added_in_revision for a in areas] == [False] * 5 + [True]
    assert areas[0].main_initiatives == "フロントヤード改革、eL-QR対応 等"
    assert areas[5].national_alignment == "オープンデータ・官民データ活用の推進 等"
    assert PriorityArea.objects.filter(plan__slug="nakai-dx-1.0").count() == 5


def test_misspelt_area_names_are_kept_as_aliases():
    divide = PriorityArea.objects.get(plan__slug="nakai-dx-1.0", name="デジタルデバイド対策")
    assert divide.alias_list == ["デジタルデバインド対策", "デジタルデバйд対策"]
    security = PriorityArea.objects.get(plan__slug="nakai-dx-1.0", number=3)
    assert security.name == "セキュリティ対策の徹底"
    assert security.alias_list == ["セキュリティ対策の強化"]
    assert not PriorityArea.objects.filter(name__contains="й").exists()


def test_plan_1_has_30_items_of_which_the_16_named_carry_their_status():
    items = ActionItem.objects.filter(plan__slug="nakai-dx-1.0")
    assert items.count() == 30
    named = items.filter(name_published=True)
    assert named.count() == 16
    assert YearlyStatus.objects.get(item__title="RPAの導入方針の決定").status == Status.NOT_ACHIEVED
    assert YearlyStatus.objects.get(item__title="オンライン申請対応手続き数").status == (
        Status.PARTIALLY_ACHIEVED
    )
    assert named.get(title="重大インシデント発生件数").primary_area.name == "セキュリティ対策の徹底"


def test_the_14_unnamed_items_are_labelled_as_placeholders():
    unnamed = ActionItem.objects.filter(plan__slug="nakai-dx-1.0", name_published=False)
    assert unnamed.count() == 14
    for item in unnamed:
        assert "名称未公表の取組" in item.title
        assert "公表されていません" in item.description


def test_every_plan_1_item_has_a_2025_status_and_the_year_is_locked_and_published():
    assert YearlyStatus.objects.filter(item__plan__slug="nakai-dx-1.0", fiscal_year=2025).count() == 30
    year = EvaluationYear.objects.get(plan__slug="nakai-dx-1.0", fiscal_year=2025)
    assert year.is_locked and year.is_published


def test_the_seven_kpis_of_the_review():
    kpis = {k.name: k for k in Kpi.objects.prefetch_related("actuals")}
    assert set(kpis) == {
        "マイナンバーカード交付率", "コンビニ交付利用率", "オンライン申請対応手続き数",
        "テレワーク実施職員数", "オープンデータの公開数", "スマホ相談会実施回数", "重大インシデント発生件数",
    }
    card = kpis["マイナンバーカード交付率"]
    assert (card.unit, card.baseline_value, card.actuals.get().value) == ("%", 74, 100)
    assert kpis["重大インシデント発生件数"].baseline_value is None
    assert kpis["テレワーク実施職員数"].unit == "人/年"


def test_the_timeline_has_both_tables_of_section_3_3():
    assert TimelineEvent.objects.filter(before_plan=True).count() == 16
    assert TimelineEvent.objects.filter(before_plan=False).count() == 21
    wifi = TimelineEvent.objects.get(occurred_on=datetime.date(2018, 7, 1))
    assert sorted(a.name for a in wifi.areas.all()) == ["地域社会のデジタル化", "防災DXの推進"]
    assert TimelineEvent.objects.filter(is_other=True).count() == 4
    assert not TimelineEvent.objects.filter(summary__contains="й").exists()


def test_wellbeing_directions_and_organisation():
    assert list(WellBeingDirection.objects.values_list("name", flat=True)) == [
        "よく暮らす", "よく働く", "よく学ぶ", "よい心身", "よい繋がり", "よい行政",
    ]
    assert WorkingGroup.objects.count() == 10
    assert set(GoverningBody.objects.values_list("name", flat=True)) >= {"DX推進本部", "DX推進連絡会"}
