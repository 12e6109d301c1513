"""Items without a 担当課 (the town's own items have none): nobody but an admin records,
submits or approves them; the 本部 may send them back. The permission matrix of their pages
and the round's service, which checks again."""

import pytest
from django.urls import reverse

from actions import permissions, services
from actions.models import YearlyStatus
from tests.actions.staff_users import make_user
from tests.actions.test_permissions import _state
from tests.factories import make_items, make_plan, make_section

YEAR = 2026
ROLES = ["anonymous", "staff", "head", "no_section_staff", "manager", "admin"]


@pytest.fixture
def world(db):
    plan = make_plan()
    section = make_section("担当課A")
    make_items(plan, plan.areas.first(), 1, section=section)
    unowned, entered, submitted = make_items(plan, plan.areas.first(), 3)
    users = {
        "anonymous": None,
        "staff": make_user("staff", "staff", [section]),
        "head": make_user("head", "section_head", [section]),
        "no_section_staff": make_user("lonely", "staff"),
        "manager": make_user("manager", "manager"),
        "admin": make_user("admin", "admin"),
    }
    for item in (entered, submitted):
        services.record_status(item, YEAR, status="achieved", user=users["admin"])
    services.submit_items([services.MoveEntry(submitted, YEAR)], user=users["admin"])
    return {
        "plan": plan,
        "unowned": unowned,
        "entered": entered,
        "submitted": submitted,
        "users": users,
    }


def _edit_url(w):
    item = w["unowned"]
    return reverse("actions:edit_status", args=[item.plan.slug, YEAR, item.code_key])


def _move(w, which):
    item = w[which]
    version = YearlyStatus.objects.get(item=item, fiscal_year=YEAR).version
    return {"plan": w["plan"].slug, "year": YEAR, "only": f"{item.pk}:{version}"}


def _version(w, which):
    return YearlyStatus.objects.get(item=w[which], fiscal_year=YEAR).version


def _send_back_url(w):
    item = w["submitted"]
    return reverse("actions:send_back", args=[item.plan.slug, YEAR, item.code_key])


def _roles(*codes):
    return dict(zip(ROLES, codes, strict=True))


MATRIX = [
    ("record_get", "get", _edit_url, None, _roles(302, 403, 403, 403, 403, 200)),
    (
        "record_post",
        "post",
        _edit_url,
        lambda w: {"status": "achieved", "comment": "", "evidence": "", "version": "0"},
        _roles(302, 403, 403, 403, 403, 302),
    ),
    (
        "save_and_submit",
        "post",
        _edit_url,
        lambda w: {
            "status": "achieved",
            "comment": "",
            "evidence": "",
            "version": "0",
            "and_submit": "1",
        },
        _roles(302, 403, 403, 403, 403, 302),
    ),
    (
        "submit",
        "post",
        lambda w: reverse("actions:submit"),
        lambda w: _move(w, "entered"),
        _roles(302, 403, 403, 403, 403, 302),
    ),
    (
        "approve",
        "post",
        lambda w: reverse("actions:approve"),
        lambda w: _move(w, "submitted"),
        _roles(302, 403, 403, 403, 403, 302),
    ),
    (
        "send_back",
        "post",
        _send_back_url,
        lambda w: {"reason": "担当課を決めてから", "version": _version(w, "submitted")},
        _roles(302, 403, 403, 403, 302, 302),
    ),
]

CASES = [
    pytest.param(name, method, url, data, role, expected[role], id=f"{name}-{role}")
    for name, method, url, data, expected in MATRIX
    for role in ROLES
]


@pytest.mark.parametrize(("name", "method", "url", "data", "role", "expected"), CASES)
def test_the_matrix_of_an_item_without_a_section(
    client, world, name, method, url, data, role, expected
):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    before = _state()
    response = getattr(client, method)(url(world), data(world) if data else None)
    assert response.status_code == expected
    if role == "anonymous" or expected != 302:
        assert _state() == before, "a refused request changed something"
    else:
        assert _state() != before, "an allowed write changed nothing"


@pytest.mark.parametrize("role", ["staff", "head", "no_section_staff", "manager"])
def test_the_round_service_refuses_everyone_but_an_admin(world, role):
    user = world["users"][role]
    item = world["unowned"]
    assert not permissions.can_edit_item(user, item)
    assert not permissions.can_submit_item(user, item)
    assert not permissions.can_approve_item(user, item)
    with pytest.raises(services.RoundRefused, match="権限がありません"):
        services.submit_items([services.MoveEntry(world["entered"], YEAR)], user=user)
    with pytest.raises(services.RoundRefused, match="権限がありません"):
        services.approve_items([services.MoveEntry(world["submitted"], YEAR)], user=user)


def test_a_head_sees_an_unowned_item_as_read_only_on_all_items(client, world):
    client.force_login(world["users"]["admin"])
    page = client.get(reverse("actions:my_items"), {"plan": world["plan"].slug, "year": YEAR})
    rows = {row["item"].pk: row for row in page.context["rows"]}
    assert rows[world["unowned"].pk]["can_edit"]
    client.force_login(world["users"]["manager"])
    page = client.get(reverse("actions:my_items"), {"plan": world["plan"].slug, "year": YEAR})
    rows = {row["item"].pk: row for row in page.context["rows"]}
    assert not rows[world["unowned"].pk]["can_edit"]
    assert "閲覧のみ" in page.text
