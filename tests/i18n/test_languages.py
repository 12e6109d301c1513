"""The language of a public page is its URL's: /…, /ja-easy/…, /en/… (nakai_dx.languages)."""

import re

import pytest
from django.core.cache import cache

from tests.actions.staff_users import make_user
from tests.i18n.pages import PUBLIC_PAGES, in_language

pytestmark = pytest.mark.django_db


def _html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.parametrize(("language", "html_lang"), [("ja", "ja"), ("ja-easy", "ja"), ("en", "en")])
@pytest.mark.parametrize("page", sorted(PUBLIC_PAGES))
def test_every_public_page_answers_in_each_language(client, town_data, page, language, html_lang):
    response = client.get(in_language(PUBLIC_PAGES[page], language))
    assert response.status_code == (404 if page == "not_found" else 200)
    assert _html_lang(response) == html_lang
    assert response["Content-Language"] == html_lang


def test_the_menu_links_the_same_page_in_every_language(client, town_data):
    html = client.get("/en/plans/nakai-dx-1.0/areas/2/?sort=status").content.decode()
    menu = re.search(r'<nav aria-label="[^"]*" class="language-menu">(.*?)</nav>', html, re.S)
    links = re.findall(
        r'<a href="([^"]+)" lang="([^"]+)" hreflang="([^"]+)"( aria-current)?', menu[1]
    )
    assert [(url, lang, hreflang, bool(current)) for url, lang, hreflang, current in links] == [
        ("/plans/nakai-dx-1.0/areas/2/?sort=status", "ja", "ja", False),
        ("/ja-easy/plans/nakai-dx-1.0/areas/2/?sort=status", "ja", "ja-x-easy", False),
        ("/en/plans/nakai-dx-1.0/areas/2/?sort=status", "en", "en", True),
    ]


def test_alternates_name_every_language_and_japanese_as_the_default(client, town_data):
    html = client.get("/ja-easy/timeline/").content.decode()
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
    assert alternates == {
        "ja": "http://testserver/timeline/",
        "ja-x-easy": "http://testserver/ja-easy/timeline/",
        "en": "http://testserver/en/timeline/",
        "x-default": "http://testserver/timeline/",
    }


def test_the_url_decides_not_the_browser(client, town_data):
    """A shared link shows everyone the same page; Accept-Language and cookies do not switch it."""
    client.cookies["django_language"] = "en"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert _html_lang(response) == "ja"
    assert "Accept-Language" not in response.get("Vary", "")


def test_each_language_is_its_own_cached_page(client, town_data):
    assert _html_lang(client.get("/en/")) == "en"
    assert _html_lang(client.get("/en/")) == "en"  # from the cache
    assert _html_lang(client.get("/")) == "ja"
    assert _html_lang(client.get("/ja-easy/")) == "ja"
    assert 'aria-current="true">English' not in client.get("/ja-easy/").content.decode()


def test_a_language_prefix_after_an_english_page_leaves_the_next_request_japanese(
    client, town_data
):
    client.get("/en/")
    assert _html_lang(client.get("/plans/")) == "ja"


def test_staff_pages_have_no_language_addresses_and_stay_japanese(client, town_data):
    client.force_login(make_user("kanri", "admin"))
    assert client.get("/en/staff/items/").status_code == 404
    response = client.get("/staff/items/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert _html_lang(response) == "ja"
    assert 'class="language-menu"' not in html


def test_the_report_editor_sends_other_languages_to_its_japanese_address(client, town_data):
    client.force_login(make_user("kanri", "admin"))
    response = client.get("/en/plans/nakai-dx-1.0/report/2025/edit/")
    assert response.status_code == 302
    assert response["Location"] == "/plans/nakai-dx-1.0/report/2025/edit/"
    assert client.get(response["Location"]).status_code == 200


def test_a_staff_form_error_stays_japanese_under_an_english_browser(client, town_data):
    response = client.post(
        "/accounts/login/", {"username": "", "password": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "This field is required" not in response.content.decode()
    assert _html_lang(response) == "ja"


def test_unknown_prefix_is_not_a_language(client, town_data):
    assert client.get("/fr/").status_code == 404
    cache.clear()


def test_the_site_is_named_in_the_page_language(client, town_data):
    english = client.get("/en/timeline/").content.decode()
    assert "| Nakai Town DX Plan Progress Dashboard</title>" in english
    japanese = client.get("/timeline/").content.decode()
    assert "| 中井町DX推進計画 進捗ダッシュボード</title>" in japanese


def test_a_town_without_an_english_name_keeps_its_japanese_name(client, town_data, the_town):
    the_town.name_en = ""
    the_town.save()
    cache.clear()
    assert "| 中井町 DX Plan Progress Dashboard</title>" in client.get("/en/").content.decode()
