"""Every page a signed-in session sees says ``Cache-Control: private, no-store``."""

import pytest
from django.urls import reverse

from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section

YEAR = 2026


@pytest.fixture
def world(db):
    plan = make_plan(slug="p1")
    section = make_section()
    (item,) = make_items(plan, plan.areas.first(), 1, section=section)
    admin = make_user("admin", "admin", password="admin-pass-8812")
    admin.is_staff = True
    admin.save()
    return {"plan": plan, "item": item, "admin": admin, "staff": make_user("s", "staff", [section])}


def _stored_nowhere(response):
    header = response.get("Cache-Control", "")
    directives = {part.strip().split("=")[0] for part in header.split(",")}
    return {"private", "no-store"} <= directives and "public" not in directives


def _pages(world):
    plan, item = world["plan"], world["item"]
    return [
        "/",
        f"/?plan={plan.slug}&year={YEAR}",
        f"/plans/{plan.slug}/",
        f"/plans/{plan.slug}/items/{item.code_key}/",
        reverse("actions:my_items"),
        reverse("actions:edit_status", args=[plan.slug, YEAR, item.code_key]),
        reverse("actions:progress"),
        reverse("actions:approvals"),
        reverse("actions:audit_log"),
        reverse("actions:audit_log_csv"),
        reverse("imports:index"),
        reverse("admin:index"),
        reverse("password_change"),
        "/no-such-page/",
    ]


def test_every_page_a_signed_in_admin_opens_is_kept_out_of_caches(client, world):
    client.force_login(world["admin"])
    for path in _pages(world):
        response = client.get(path)
        assert response.status_code in (200, 302, 404), (path, response.status_code)
        assert _stored_nowhere(response), (path, response.get("Cache-Control"))


def test_staff_pages_too(client, world):
    client.force_login(world["staff"])
    for path in ("/", reverse("actions:my_items")):
        assert _stored_nowhere(client.get(path)), path


def test_the_answer_to_signing_in_is_kept_out_of_caches(client, world):
    response = client.post(reverse("login"), {"username": "admin", "password": "admin-pass-8812"})
    assert response.status_code == 302
    assert _stored_nowhere(response)


def test_public_pages_stay_cacheable_for_residents(client, world):
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
