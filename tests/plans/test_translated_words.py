"""The plan's own words in the page's language: plans.translated and {% load translated %}."""

from typing import NamedTuple

import pytest
from django.template import Context, Template
from django.utils import translation

from plans.models import PriorityArea
from plans.translated import translated
from tests.factories import make_plan

AREA = {
    "name": "町民サービスの向上",
    "name_en": "Better services for residents",
    "name_easy": "町の 人への サービスを よくする",
}


class Row(NamedTuple):
    name: str
    name_en: str = ""
    name_easy: str = ""


def render(template, language, **context):
    with translation.override(language):
        return Template("{% load translated %}" + template).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ja", ("町民サービスの向上", "ja")),
        ("en", ("Better services for residents", "en")),
        ("ja-easy", ("町の 人への サービスを よくする", "ja-easy")),
    ],
)
def test_it_picks_the_words_of_each_language(language, expected):
    assert translated(AREA, "name", language) == expected


def test_it_reads_the_active_language_when_none_is_given():
    with translation.override("en"):
        assert translated(AREA, "name") == ("Better services for residents", "en")


@pytest.mark.parametrize("language", ["en", "ja-easy"])
def test_a_missing_or_blank_translation_gives_the_japanese(language):
    assert translated({"name": "防災DXの推進"}, "name", language) == ("防災DXの推進", "ja")
    blank = {"name": "防災DXの推進", "name_en": "  ", "name_easy": ""}
    assert translated(blank, "name", language) == ("防災DXの推進", "ja")


def test_it_reads_rows_with_attributes_and_nothing():
    assert translated(Row("区分", "Area"), "name", "en") == ("Area", "en")
    assert translated(Row("区分"), "name", "en") == ("区分", "ja")
    assert translated(None, "name", "en") == ("", "ja")


@pytest.mark.django_db
def test_a_deferred_translation_counts_as_missing_and_is_never_fetched(django_assert_num_queries):
    area = make_plan(areas=("町民サービスの向上",)).areas.get()
    area.name_en = "Better services for residents"
    area.save()
    loaded = PriorityArea.objects.only("name").get(pk=area.pk)
    with django_assert_num_queries(0):
        assert translated(loaded, "name", "en") == ("町民サービスの向上", "ja")
    full = PriorityArea.objects.get(pk=area.pk)
    with django_assert_num_queries(0):
        assert translated(full, "name", "en") == ("Better services for residents", "en")


def test_the_filter_renders_each_language():
    template = '{{ area|tr:"name" }}'
    assert render(template, "ja", area=AREA) == "町民サービスの向上"
    assert render(template, "en", area=AREA) == "Better services for residents"
    assert render(template, "ja-easy", area=AREA) == "町の 人への サービスを よくする"


def test_a_missing_translation_on_an_english_page_is_marked_japanese():
    html = render('{{ area|tr:"name" }}', "en", area={"name": "防災DXの推進"})
    assert html == '<span lang="ja">防災DXの推進</span>'


def test_a_missing_translation_on_an_easy_japanese_page_is_the_japanese_unmarked():
    assert render('{{ area|tr:"name" }}', "ja-easy", area={"name": "防災DXの推進"}) == (
        "防災DXの推進"
    )


def test_the_filter_escapes_the_japanese_inside_its_span_and_a_translation():
    hostile = {"name": '<script>alert("区分")</script>&', "name_en": ""}
    html = render('{{ area|tr:"name" }}', "en", area=hostile)
    assert html == (
        '<span lang="ja">&lt;script&gt;alert(&quot;区分&quot;)&lt;/script&gt;&amp;</span>'
    )
    html = render('{{ area|tr:"name" }}', "en", area={"name": "区分", "name_en": "<b>A & B</b>"})
    assert html == "&lt;b&gt;A &amp; B&lt;/b&gt;"


def test_the_text_filter_has_no_markup_and_the_lang_filter_names_its_language():
    template = '<option lang="{{ area|tr_lang:"name" }}">{{ area|tr_text:"name" }}</option>'
    assert render(template, "en", area=AREA) == (
        '<option lang="en">Better services for residents</option>'
    )
    assert render(template, "en", area={"name": "防災<DX>"}) == (
        '<option lang="ja">防災&lt;DX&gt;</option>'
    )
    assert render(template, "ja-easy", area=AREA) == (
        '<option lang="ja">町の 人への サービスを よくする</option>'
    )
    assert render('<a title="{{ area|tr_text:"name" }}">', "en", area={"name": '"区分"'}) == (
        '<a title="&quot;区分&quot;">'
    )


def test_the_filter_composes_with_phrases():
    template = '{% load phrases %}{{ area|tr:"name"|phrases }}'
    assert render(template, "en", area={"name": "防災DXの推進"}) == (
        '<span lang="ja">防災DXの推進</span>'
    )
    assert render(template, "ja", area=AREA).startswith('<span class="phrases">町民')
