"""Where a page quotes the plan, it shows how the plan printed it.

The product names the area by its corrected name (デジタルデバイド対策) everywhere; a cell
that quotes the plan adds the plan's own spelling there (「計画書の表記：…」), and the
caveat the plan printed under table 3-2 stands under the area table it compares with.
The spellings and the caveat are the town's data (PriorityArea.printed_name,
PublishedFigure.printed_area_name and note), not the code's.
"""

from pathlib import Path

import pytest

from plans.models import PriorityArea, PublishedFigure
from plans.templatetags import plan_quotes
from plans.templatetags.plan_quotes import printed_spelling
from tests.factories import make_plan
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


def test_each_place_keeps_the_spelling_it_printed_as_data(town_data):
    divide = {
        plan: PriorityArea.objects.get(plan__slug=plan, name="デジタルデバイド対策")
        for plan in ("nakai-dx-1.0", "nakai-dx-2.0")
    }
    assert divide["nakai-dx-2.0"].printed_name == TYPO  # the review's table of areas
    assert divide["nakai-dx-1.0"].printed_name == ""
    figures = {f.area.name if f.area else None: f for f in PublishedFigure.objects.all()}
    assert figures["デジタルデバイド対策"].printed_area_name == CYRILLIC
    # Table 3-2 printed セキュリティ対策の徹底 correctly; its 強化 is in the boxes below.
    assert figures["セキュリティ対策の徹底"].printed_area_name == ""
    assert figures[None].note == CAVEAT
    assert {f.note for name, f in figures.items() if name} == {""}


def test_the_spelling_is_added_only_where_it_differs_and_says_cyrillic():
    assert printed_spelling("", "区分") == ""
    assert printed_spelling("区分", "区分") == ""
    assert printed_spelling(TYPO, "デジタルデバイド対策") == (
        f'<span class="printed-as">（計画書の表記：「{TYPO}」）</span>'
    )
    assert "（キリル文字を含む）" in printed_spelling(CYRILLIC, "デジタルデバイド対策")


def test_another_towns_printed_spelling_and_note_show_from_its_data(client):
    plan = make_plan(slug="dx-1.0", areas=("町民サービス",))
    area = plan.areas.get()
    area.main_initiatives = "窓口改革"
    area.printed_name = "町民サーヴィス"
    area.save()
    html = client.get("/plans/dx-1.0/").content.decode()
    assert "計画書の表記：「町民サーヴィス」" in html


def test_no_town_is_named_in_the_quoting_code():
    assert "中井" not in Path(plan_quotes.__file__).read_text(encoding="utf-8")
    assert "30個" not in Path(plan_quotes.__file__).read_text(encoding="utf-8")
