"""``next`` is followed only to a path of this site, on every view that takes it.

A crafted ``next`` used to turn a colleague's committed save into a 500
(``redirect("0")`` reads a bare word as a URL name). Each view below is driven
with values that are not same-site paths; each answers as it would without
``next`` (its default page), never 500, never another host.
"""

import pytest
from django.test import Client
from django.urls import reverse

from actions import services
from actions.models import YearlyStatus
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section

YEAR = 2026
PASSWORD = "next-fuzz-pass-7731"

HOSTILE = [
    "0",
    "x",
    "actions:my_items",  # a URL name: redirect() would reverse it
    "reports:dashboard",
    "staff/items/",
    "./x",
    "../admin/",
    "?x=1",
    "#top",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://evil.example/",
    "http://testserver.evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example\\",
    " /staff/",
    "/staff/\r\nSet-Cookie: a=b",
    "/staff/\tx",
    "http:/evil.example",
    "https:///evil.example",
    "ｘ",
    "1" * 5000,
]
SAME_SITE = "/plans/?from=next"


@pytest.fixture
def world(db):
    plan = make_plan()
    section = make_section("担当課A")
    items = make_items(plan, plan.areas.first(), 4, section=section)
    staff = make_user("staff", "staff", [section], password=PASSWORD)
    head = make_user("head", "section_head", [section], password=PASSWORD)
    return {"plan": plan, "items": items, "staff": staff, "head": head}


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _version(item):
    row = YearlyStatus.objects.filter(item=item, fiscal_year=YEAR).first()
    return row.version if row else 0


def _submitted(world, item):
    services.record_status(item, YEAR, status="achieved", user=world["staff"])
    services.submit_items([services.MoveEntry(item, YEAR)], user=world["staff"])


def _status_form(world, next_value):
    item = world["items"][0]
    url = reverse("actions:edit_status", args=[world["plan"].slug, YEAR, item.code_key])
    data = {"status": "achieved", "comment": next_value[:20], "evidence": ""}
    data |= {"version": str(_version(item)), "next": next_value}
    # Back on 担当の取組 at the saved row (?saved=<pk>).
    default = reverse("actions:my_items") + f"?plan={world['plan'].slug}&year={YEAR}"
    return _client(world["staff"]).post(url, data), f"{default}&saved={item.pk}"


def _status_form_link(world, next_value):
    """The form copies ?next= into a hidden field: a crafted link must not carry it over."""
    item = world["items"][0]
    url = reverse("actions:edit_status", args=[world["plan"].slug, YEAR, item.code_key])
    page = _client(world["staff"]).get(url, {"next": next_value})
    default = reverse("actions:my_items") + f"?plan={world['plan'].slug}&year={YEAR}"
    return page, default


def _submit(world, next_value):
    item = world["items"][1]
    if not YearlyStatus.objects.filter(item=item, fiscal_year=YEAR).exists():
        services.record_status(item, YEAR, status="achieved", user=world["staff"])
    data = {"plan": world["plan"].slug, "year": YEAR, "only": f"{item.pk}:{_version(item)}"}
    response = _client(world["staff"]).post(reverse("actions:submit"), data | {"next": next_value})
    return response, reverse("actions:my_items") + f"?plan={world['plan'].slug}&year={YEAR}"


def _approve(world, next_value):
    item = world["items"][2]
    _submitted_again(world, item)
    data = {"plan": world["plan"].slug, "year": YEAR, "items": [f"{item.pk}:{_version(item)}"]}
    data["confirmed"] = "1"  # the summary page's 「N件を承認する」
    response = _client(world["head"]).post(reverse("actions:approve"), data | {"next": next_value})
    return response, reverse("actions:approvals") + f"?plan={world['plan'].slug}&year={YEAR}"


def _submitted_again(world, item):
    row = YearlyStatus.objects.filter(item=item, fiscal_year=YEAR).first()
    if row is None or row.state != "submitted":
        if row is not None:  # moved on by the previous value: start again
            YearlyStatus.objects.filter(pk=row.pk).delete()
        _submitted(world, item)


def _send_back(world, next_value):
    item = world["items"][3]
    _submitted_again(world, item)
    url = reverse("actions:send_back", args=[world["plan"].slug, YEAR, item.code_key])
    data = {"reason": "根拠が足りません", "version": _version(item), "next": next_value}
    response = _client(world["head"]).post(url + "?next=" + "0", data)
    return response, reverse("actions:approvals") + f"?plan={world['plan'].slug}&year={YEAR}"


def _send_back_link(world, next_value):
    item = world["items"][3]
    _submitted_again(world, item)
    url = reverse("actions:send_back", args=[world["plan"].slug, YEAR, item.code_key])
    page = _client(world["head"]).get(url, {"next": next_value})
    return page, reverse("actions:approvals") + f"?plan={world['plan'].slug}&year={YEAR}"


def _login(world, next_value):
    data = {"username": "staff", "password": PASSWORD, "next": next_value}
    return Client().post(reverse("login"), data), reverse("actions:landing")


def _logout(world, next_value):
    response = _client(world["staff"]).post(reverse("logout"), {"next": next_value})
    return response, None  # no default redirect: the signed-out page


REDIRECTING = [_status_form, _submit, _approve, _send_back, _login, _logout]
SHOWING = [_status_form_link, _send_back_link]


def _hidden_next(html):
    marker = 'name="next" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


@pytest.mark.parametrize("view", REDIRECTING, ids=lambda view: view.__name__)
def test_a_view_that_redirects_follows_only_same_site_paths(world, view):
    for value in HOSTILE:
        response, default = view(world, value)
        assert response.status_code in (200, 302), (value, response.status_code)
        if response.status_code == 302:
            assert response["Location"] == default, (value, response["Location"])
        else:
            assert default is None  # sign-out shows its page
    response, _ = view(world, SAME_SITE)
    assert response.status_code == 302 and response["Location"] == SAME_SITE


@pytest.mark.parametrize("view", SHOWING, ids=lambda view: view.__name__)
def test_a_form_carries_only_a_same_site_path_into_its_hidden_next(world, view):
    for value in HOSTILE:
        page, default = view(world, value)
        assert page.status_code == 200, value
        assert _hidden_next(page.text).replace("&amp;", "&") == default, value
    page, _ = view(world, SAME_SITE)
    assert _hidden_next(page.text).replace("&amp;", "&") == SAME_SITE
