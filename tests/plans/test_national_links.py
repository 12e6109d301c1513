"""Areas linked to the national plan's 重点取組事項: found in the 国計画との整合 text, never guessed.

The town's data links plan 2.0's six areas as the review's table prints them; plan
1.0's areas have no links (the review does not say what 1.0 aligned with).
"""

from dataclasses import dataclass

import pytest

from plans.models import NationalPlanItem, PriorityArea
from plans.national import named_items


@dataclass(frozen=True)
class Item:
    name: str
    edition: str = "第5.0版"


FRONT, QR = Item("フロントヤード改革"), Item("eL-QR対応")
SECURITY, SECURITY_SHORT = Item("セキュリティ対策の徹底"), Item("セキュリティ対策")
OPEN = Item("オープンデータ・官民データ活用の推進")
ITEMS = [FRONT, QR, SECURITY, SECURITY_SHORT, OPEN]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("フロントヤード改革、eL-QR対応 等", [FRONT, QR]),
        ("eL-QR対応 フロントヤード改革", [QR, FRONT]),  # in the order the text names them
        ("セキュリティ対策の徹底", [SECURITY]),  # not also the shorter name inside it
        ("セキュリティ対策、セキュリティ対策の徹底", [SECURITY_SHORT, SECURITY]),
        ("オープンデータ・官民データ 活用の推進 等", [OPEN]),  # a line break or space inside
        ("ｅＬ－ＱＲ対応", [QR]),  # full-width, as typed in Excel
        ("生成AIの利用推進 等", []),  # names no registered item: left as written
        ("", []),
    ],
)
def test_the_text_is_matched_to_item_names(text, found):
    assert named_items(text, ITEMS) == found


def test_a_name_two_editions_share_needs_the_plans_edition():
    old = Item("フロントヤード改革", "第4.0版")
    assert named_items("フロントヤード改革", [FRONT, old]) == []
    assert named_items("フロントヤード改革", [FRONT, old], edition="第4.0版") == [old]


@pytest.mark.usefixtures("town_data")
def test_plan_2_0s_areas_are_linked_as_the_review_prints_them():
    links = {
        area.name: [item.name for item in area.national_items.all()]
        for area in PriorityArea.objects.filter(plan__slug="nakai-dx-2.0")
    }
    assert links == {
        "町民サービスの向上": ["フロントヤード改革", "eL-QR対応"],
        "行政事務の効率化": ["システム標準化・共通化", "生成AIの利用推進"],
        "セキュリティ対策の徹底": ["セキュリティ対策の徹底"],
        "デジタルデバイド対策": ["デジタルデバイド対策"],
        "地域社会のデジタル化": ["デジタル実装の推進", "地域社会のデジタル化"],
        "防災DXの推進": ["オープンデータ・官民データ活用の推進"],
    }
    assert not PriorityArea.objects.filter(
        plan__slug="nakai-dx-1.0", national_items__isnull=False
    ).exists()


@pytest.mark.usefixtures("town_data")
def test_the_fixtures_links_are_what_the_migrations_rule_finds_in_the_text():
    items = list(NationalPlanItem.objects.all())
    for area in PriorityArea.objects.exclude(national_alignment=""):
        assert named_items(area.national_alignment, items) == list(area.national_items.all())
