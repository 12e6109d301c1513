"""What every page carries: a title 「ページ名 | サイト名」 and a description; no developer
commands on the pages people use."""

import re

import pytest
from django.contrib.admin.sites import site
from django.utils import translation

from tests.actions.staff_users import make_user

SITE = "中井町DX推進計画 進捗ダッシュボード"
PUBLIC = [
    "/",
    "/?plan=nakai-dx-2.0",
    "/plans/",
    "/plans/nakai-dx-2.0/",
    "/plans/nakai-dx-1.0/areas/2/",
    "/plans/nakai-dx-1.0/items/1/",
    "/timeline/",
    "/opendata/",
    "/accounts/login/",
    "/plans/no-such-plan/",
]
SIGNED_IN = ["/staff/items/", "/staff/years/", "/staff/history/", "/imports/"]


def _title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


@pytest.fixture
def admin_client(client, db):
    client.force_login(make_user("kanri", "admin"))
    return client


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_are_titled_page_then_site(client, town_data, path):
    html = client.get(path).content.decode()
    page, separator, site_name = _title(html).rpartition(" | ")
    assert separator and site_name == SITE
    assert page.strip() and not page.endswith(SITE)
    assert re.search(r'<meta name="description" content="[^"]{20,}">', html)


@pytest.mark.parametrize("path", SIGNED_IN)
def test_staff_pages_are_titled_page_then_site(admin_client, town_data, path):
    title = _title(admin_client.get(path).content.decode())
    assert re.fullmatch(rf"\S.* \| {SITE}", title), title


@pytest.mark.parametrize("path", ["/opendata/", "/imports/"])
def test_pages_carry_no_developer_commands(admin_client, town_data, path):
    html = admin_client.get(path).content.decode()
    assert "manage.py" not in html
    assert "管理コマンド" not in html


def test_every_app_and_model_in_the_admin_has_a_japanese_name():
    def japanese(text):
        return any(ord(char) > 0x3000 for char in str(text))

    with translation.override("ja"):
        for model in site._registry:
            meta = model._meta
            assert japanese(meta.app_config.verbose_name), meta.app_label
            assert japanese(meta.verbose_name), meta.label
            assert japanese(meta.verbose_name_plural), meta.label


def test_the_admin_index_has_no_english_headings(admin_client):
    html = admin_client.get("/admin/").content.decode()
    for english in ("Plans", "PLANS", "Axes", "Reports", "access attempts"):
        assert english not in html
