"""Every id an aria-describedby (or aria-labelledby, or a label's for) names is on the
page: the password rules and the import's file help are read out with their fields.
(The HTML checker is not installed here; this reads the ids from the HTML itself.)"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.actions.staff_users import make_user
from tests.imports.conftest import STATUS_HEADER, xlsx_bytes
from tests.imports.test_views import _upload

pytestmark = pytest.mark.django_db

PASSWORD = "old-pass-for-tests-4417"


class _References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.named = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for attribute in ("aria-describedby", "aria-labelledby"):
            for ref in (attrs.get(attribute) or "").split():
                self.named.append((tag, attribute, ref))
        if tag == "label" and attrs.get("for"):
            self.named.append((tag, "for", attrs["for"]))


def missing_references(html):
    parser = _References()
    parser.feed(html)
    return [named for named in parser.named if named[2] not in parser.ids]


def _described(html, field_id):
    parser = _References()
    parser.feed(html)
    return [
        ref
        for tag, attribute, ref in parser.named
        if attribute == "aria-describedby" and ref.startswith(field_id)
    ]


@pytest.fixture
def staff_client(client, db):
    client.force_login(make_user("shokuin", "staff", password=PASSWORD))
    return client


def test_the_password_change_page_names_only_ids_it_has(staff_client):
    html = staff_client.get(reverse("password_change")).content.decode()
    assert missing_references(html) == []
    # The rules under 新しいパスワード are what its field is described by.
    assert _described(html, "id_new_password1") == ["id_new_password1_helptext"]
    assert 'id="id_new_password1_helptext"' in html


def test_the_password_change_errors_are_named_and_present(staff_client):
    response = staff_client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "a", "new_password2": "b"},
    )
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert missing_references(html) == []


@pytest.fixture
def admin_client(client, db):
    client.force_login(make_user("kanri", "admin"))
    return client


def test_the_imports_page_names_only_ids_it_has(admin_client):
    html = admin_client.get(reverse("imports:index")).content.decode()
    assert missing_references(html) == []
    assert _described(html, "id_file") == ["id_file_helptext"]


def test_the_imports_page_with_a_refused_upload_names_only_ids_it_has(admin_client):
    response = admin_client.post(reverse("imports:upload"), {})
    assert response.status_code == 400
    html = response.content.decode()
    assert _described(html, "id_file") == ["id_file_helptext", "id_file_error"]
    assert missing_references(html) == []


def test_the_import_error_pages_name_only_ids_they_have(admin_client, db):
    book = xlsx_bytes({"達成状況": [STATUS_HEADER, ["p1", 1, "R7", "ほぼ達成", ""]]})
    assert missing_references(_upload(admin_client, book).content.decode()) == []
    refused = _upload(admin_client, b"%PDF-1.4 x", "plan.xlsx")
    assert missing_references(refused.content.decode()) == []
