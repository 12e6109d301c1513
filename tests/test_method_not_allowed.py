"""A GET on an address that only takes a form's POST (…/unlock/, logout, the imports'
upload) answers 405 with a Japanese page and the way back, like every other error."""

import re

import pytest
from django.test import Client

from tests.actions.staff_users import make_user
from tests.test_hostile_parameters import _urls, world  # noqa: F401 (world is a fixture)

pytestmark = pytest.mark.django_db

UNLOCK = "/staff/years/nakai-dx-2.0/2026/unlock/"


def _links(html):
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', html.split('<main id="content"')[1])


def test_a_get_on_unlock_is_a_japanese_page_with_the_way_back(client, town_data):
    client.force_login(make_user("kanri", "admin"))
    response = client.get(UNLOCK, HTTP_REFERER="http://testserver/staff/years/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = response.content.decode()
    assert "<h1>このアドレスは直接開けません</h1>" in html
    assert ("/staff/years/", "年度の確定・公表に戻る") in _links(html)
    assert ("http://testserver/staff/years/", "前のページに戻る") in _links(html)


def test_a_referer_from_another_site_is_not_offered_as_the_way_back(client, town_data):
    client.force_login(make_user("kanri", "admin"))
    response = client.get(UNLOCK, HTTP_REFERER="https://evil.example/")
    assert "evil.example" not in response.content.decode()


def test_the_logout_address_opened_by_a_link_explains_itself(client, db):
    client.force_login(make_user("shokuin", "staff"))
    response = client.get("/accounts/logout/")
    assert response.status_code == 405
    assert "このアドレスは直接開けません" in response.content.decode()
    assert client.get("/staff/items/").status_code == 200  # still signed in


def test_a_head_request_keeps_its_empty_body(client, town_data):
    client.force_login(make_user("kanri", "admin"))
    assert client.head(UNLOCK).content == b""


def test_every_post_only_address_answers_a_get_with_the_page(world):  # noqa: F811
    client = Client()
    client.force_login(world["users"]["superuser"])
    refused = []
    for name, url, _slots in _urls(world):
        response = client.get(url)
        if response.status_code == 405:
            refused.append(name)
            assert "このアドレスは直接開けません" in response.content.decode(), name
    # The workflow's actions, the round's, the years', the imports' and the admin's logout.
    for name in ("actions:unlock_year", "actions:submit", "imports:upload", "imports:confirm"):
        assert name in refused
    assert len(refused) >= 8, refused
