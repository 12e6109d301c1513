"""やさしい日本語 pages say 「判定不可」「再掲」「達成度（全取組を合算）」 in plain words, or give
the term its reading in <ruby>; the glossary's term headings name them (tests/i18n/easy_japanese.py)."""

import pytest

from tests.i18n.easy_japanese import hard_terms_outside_ruby
from tests.i18n.pages import PUBLIC_PAGES, in_language

# The pages whose words are translated here (the dashboard, area and item pages and the towns'
# comparison are translated with their own templates).
PAGES = ["plan_index", "plan", "timeline", "opendata", "accessibility", "year_report", "glossary"]
PAGES += ["not_found"]


def test_the_finder_sees_terms_in_text_and_card_labels_but_not_in_ruby_or_term_headings():
    html = (
        "<p>判定不可は 2</p><p><ruby>再掲<rt>さいけい</rt></ruby></p>"
        '<td data-label="判定不可">2</td><h2 id="term-relisted">再掲</h2>'
        '<p><span class="phrases">判定<wbr>不可</span></p><h2>達成度（全取組を合算）</h2>'
    )
    assert hard_terms_outside_ruby(html) == [
        "<p> '判定不可は 2'",
        "<td data-label='判定不可'>",
        "<span> '判定不可'",
        "<h2> '達成度（全取組を合算）'",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_easy_japanese_pages_use_plain_words_or_readings(client, town_data, page):
    response = client.get(in_language(PUBLIC_PAGES[page], "ja-easy"))
    assert response.status_code == (404 if page == "not_found" else 200)
    assert hard_terms_outside_ruby(response.content.decode()) == []


@pytest.mark.django_db
def test_the_plans_own_words_get_their_reading_where_they_use_a_term(client, town_data):
    """The plan's note 「再掲分含む」 has no やさしい日本語 version: it stays, with its reading."""
    html = client.get("/ja-easy/plans/nakai-dx-2.0/").content.decode()
    assert "（<ruby>再掲<rt>さいけい</rt></ruby>分含む）" in html
    assert "（再掲分含む）" in client.get("/plans/nakai-dx-2.0/").content.decode()
