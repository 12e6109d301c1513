"""Short headings break between phrases only: 「達成状況」 whole, 「行政事務の / 効率化」."""

import pytest
from django.utils.safestring import mark_safe

from nakai_dx.templatetags.phrases import phrases
from tests.html_tables import table


@pytest.mark.parametrize(
    ("text", "marked"),
    [
        ("達成状況", "達成状況"),
        ("行政事務の効率化", "行政事務の<wbr>効率化"),
        ("防災DXの推進", "防災DXの<wbr>推進"),
        ("基本理念・基本方針", "基本理念・<wbr>基本方針"),
    ],
)
def test_a_heading_may_break_only_between_its_phrases(text, marked):
    assert phrases(text) == f'<span class="phrases">{marked}</span>'


def test_text_is_escaped_and_markup_left_alone():
    assert phrases("<b>達成</b>") == '<span class="phrases">&lt;b&gt;達成&lt;/b&gt;</span>'
    assert phrases(mark_safe("<b>達成</b>")) == "<b>達成</b>"
    assert phrases(None) == '<span class="phrases"></span>'


@pytest.mark.django_db
def test_the_dashboards_area_headings_break_between_phrases(client, town_data):
    html = client.get("/?plan=nakai-dx-1.0&year=2025").content.decode()
    assert '2. <span class="phrases">行政事務の<wbr>効率化</span>' in html
    # Read as text, the heading is the name as before.
    areas = table(html, "重点施策区分ごとの取組数と達成度")
    assert [row[0] for row in areas.body][1] == "2. 行政事務の効率化"
