"""Rows read as values for the public pages carry the translations, at no extra query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import ActionItem
from plans.models import Plan
from reports.yearly_report.content import build_report

pytestmark = pytest.mark.django_db


def test_the_timeline_offers_each_area_once_with_its_translations(client, town_data):
    response = client.get("/timeline/")
    choices = response.context["area_choices"]
    assert [c["name"] for c in choices] == response.context["area_names"][:-1]
    assert len(choices) == 6
    bosai = next(c for c in choices if c["name"] == "防災DXの推進")
    assert bosai["name_en"] == "Digital tools for disaster preparedness"
    assert bosai["name_easy"] == "デジタルで さいがいに そなえる"


def test_the_reports_item_rows_carry_the_titles_translations(town_data):
    plan = Plan.objects.get(slug="nakai-dx-1.0")
    with CaptureQueriesContext(connection) as queries:
        report = build_report(plan, 2025)
    assert len(queries) == 14  # as many as before the rows carried translations
    rows = {row.title: row for area in report.areas for row in area.items}
    card = rows["マイナンバーカード交付率"]
    assert card.title_en == "Share of residents with a My Number Card"
    assert card.title_easy == "マイナンバーカードを もっている 人の わりあい"
    box = next(h for h in report.highlights if h.title == "マイナンバーカード交付率")
    assert box.title_en == card.title_en


def test_a_title_without_translations_gives_empty_ones(town_data):
    plan = Plan.objects.get(slug="nakai-dx-1.0")
    ActionItem.objects.filter(plan=plan).update(title_en="", title_easy="")
    report = build_report(plan, 2025)
    row = report.areas[0].items[0]
    assert (row.title_en, row.title_easy) == ("", "")
