"""Where a page quotes the plan, it shows how the plan printed it.

The product names the area by its corrected name (デジタルデバイド対策) everywhere; a cell
that quotes the plan adds the plan's own spelling there (「計画書の表記：…」), and the
caveat the plan printed under table 3-2 stands under the area table it compares with.
"""

import pytest

from plans.models import PriorityArea
from plans.templatetags.plan_quotes import printed_caveat, printed_spellings
from tests.html_tables import table

pytestmark = pytest.mark.django_db

CYRILLIC = "デジタルデバйд対策"
TYPO = "デジタルデバインド対策"
CAVEAT = (
    "アクションプランに位置付けた30個の取組について、計画期間内における目標に対して"
    "現在の達成度を目安として表したものです。"
)


def _area_table(client, url, caption_part):
    html = client.get(url).content.decode()
    return html, table(html, caption_part)


def test_table_3_2_on_the_dashboard_shows_the_cyrillic_spelling_it_printed(client, town_data):
    html, areas = _area_table(
        client, "/?plan=nakai-dx-1.0&year=2025", "重点施策区分ごとの取組数と達成度"
    )
    header = next(row[0] for row in areas.body if row[0].startswith("4."))
    assert header.startswith("4. デジタルデバイド対策")  # the corrected name stays first
    assert f"計画書の表記：「{CYRILLIC}」（キリル文字を含む）" in header
    # Table 3-2 printed the other areas as they are named: nothing is added to them.
    others = [row[0] for row in areas.body if not row[0].startswith("4.")]
    assert not any("計画書の表記" in name for name in others)


def test_the_caveat_under_table_3_2_stands_under_the_area_table(client, town_data):
    html = client.get("/?plan=nakai-dx-1.0&year=2025").content.decode()
    areas_section = html.split('id="areas-heading"')[1].split("</section>")[0]
    assert f"の注記：「{CAVEAT}」" in areas_section
    assert areas_section.index("</table>") < areas_section.index(CAVEAT)


def test_a_year_without_published_figures_adds_neither(client, town_data):
    html = client.get("/?plan=nakai-dx-2.0").content.decode()
    assert "計画書の表記" not in html and CAVEAT not in html


def test_the_plan_page_shows_the_review_tables_spelling(client, town_data):
    html = client.get("/plans/nakai-dx-2.0/").content.decode()
    areas = table(html, "重点施策区分、主な取組と国計画との整合")
    header = next(row[1] for row in areas.body if row[0] == "4")
    assert header.startswith("デジタルデバイド対策")
    assert f"計画書の表記：「{TYPO}」" in header
    assert CYRILLIC not in header
    wellbeing = table(html, "総合計画の方向性とDX施策")
    connection = next(row for row in wellbeing.body if row[0] == "よい繋がり")
    assert f"デジタルデバイド対策（計画書の表記：「{TYPO}」）" in connection[1]


def test_plan_1_0s_page_quotes_no_review_table(client, town_data):
    assert "計画書の表記" not in client.get("/plans/nakai-dx-1.0/").content.decode()


def test_a_place_shows_only_the_spellings_printed_there(town_data):
    divide = PriorityArea.objects.get(plan__slug="nakai-dx-1.0", name="デジタルデバイド対策")
    security = PriorityArea.objects.get(plan__slug="nakai-dx-1.0", name="セキュリティ対策の徹底")
    assert printed_spellings(divide, "3-2") == [CYRILLIC]
    assert printed_spellings(divide, "review") == [TYPO]
    assert printed_spellings(security, "3-2") == []  # its 強化 is printed in the boxes only
    assert printed_spellings(None, "3-2") == []


def test_the_caveat_belongs_to_table_3_2_only():
    assert (
        printed_caveat("中井町DX推進計画（2.0版）中間見直し 3-2 取組の達成状況（令和8年4月）")
        == CAVEAT
    )
    assert printed_caveat("別の表") == ""
    assert printed_caveat(None) == ""
