"""The plan's pages, open data, the year's report and the 404 page in English and
やさしい日本語: the interface translated, the plan's own words marked, the data the same."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_a_plan_without_an_english_name_keeps_it_in_japanese_marked_as_such(client, town_data):
    from plans.models import Plan

    Plan.objects.filter(slug="nakai-dx-1.0").update(name_en="")
    html = client.get("/en/plans/nakai-dx-1.0/").content.decode()
    assert '<h1><span lang="ja">中井町DX推進計画</span> (version 1.0)</h1>' in html
    assert "<title>中井町DX推進計画 (version 1.0) | " in html
    assert '<h2 id="areas-heading">Priority areas</h2>' in html


def test_easy_japanese_pages_name_their_terms_in_plain_words(client, town_data):
    html = client.get("/ja-easy/plans/nakai-dx-1.0/report/2025/").content.decode()
    assert '<th scope="col" class="num">きめられない</th>' in html
    assert "ぜんぶ（すべての とりくみを あわせて）" in html
    assert (
        '<td data-label="できたか どうか">きめられない</td>' in html
    )  # a status, from the content model


def test_the_open_data_has_one_address_in_every_language(client, town_data):
    for prefix in ("", "/ja-easy", "/en"):
        html = client.get(f"{prefix}/opendata/").content.decode()
        links = set(re.findall(r'href="([^"]*achievement\.(?:csv|json)[^"]*)"', html))
        assert links and all(link.startswith("/opendata/") for link in links), prefix


def test_the_reports_files_are_the_towns_japanese_document_from_any_page(client, town_data):
    japanese = client.get("/plans/nakai-dx-1.0/report/2025/xlsx/")
    english = client.get("/en/plans/nakai-dx-1.0/report/2025/xlsx/")
    assert english.status_code == 200
    assert english["Content-Disposition"] == japanese["Content-Disposition"]
    assert (
        "進捗報告書" in english["Content-Disposition"]
        or "%E9%80%B2" in english["Content-Disposition"]
    )
    page = client.get("/en/plans/nakai-dx-1.0/report/2025/").content.decode()
    assert "Word (.docx, in Japanese)" in page


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/en/plans/nakai-dx-3.0/", "There is no plan with the ID “nakai-dx-3.0”."),
        ("/ja-easy/plans/nakai-dx-3.0/", "「nakai-dx-3.0」という 計画は ありません。"),
        ("/plans/nakai-dx-3.0/", "計画ID「nakai-dx-3.0」の計画は登録されていません。"),
    ],
)
def test_the_404_page_says_what_was_not_found_in_the_pages_language(
    client, town_data, url, message
):
    response = client.get(url)
    assert response.status_code == 404
    assert f'<p class="callout">{message}</p>' in response.content.decode().replace("&quot;", '"')


def test_an_english_404_drops_a_message_the_view_left_in_japanese(client, town_data):
    """重点施策区分「…」 names the area in Japanese: the English page says only what it always says."""
    html = client.get("/en/timeline/?area=存在しない区分").content.decode()
    assert "<h1>Page not found</h1>" in html
    assert 'class="callout"' not in html
