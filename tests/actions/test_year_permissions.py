"""The permission matrix of the year pages: 確定, 公表 and 公表取消 (GET shows, POST acts), 確定解除.

Rows: anonymous, staff of the owning section, staff of another section, the
section's 課長, manager, admin. A refused request — by role, or by a form that
misses its reason or confirmation (200, shown again) — changes nothing; an
allowed one changes the year.
"""

import pytest
from django.urls import reverse

from actions.models import ActionItem, AuditEntry, EvaluationYear, YearlyStatus
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section, make_year, set_statuses

OPEN_YEAR = 2026
LOCKED_YEAR = 2025
PUBLISHED_YEAR = 2024
ROLES = ["anonymous", "owner", "other_staff", "section_head", "manager", "admin"]
MANAGERS_ONLY = {"owner": 403, "other_staff": 403, "section_head": 403}


@pytest.fixture
def world(db):
    plan = make_plan()
    own, other = make_section("担当課A"), make_section("担当課B")
    items = make_items(plan, plan.areas.first(), 2, section=own)
    set_statuses(items[:1], OPEN_YEAR, "achieved")  # one of two rated: a lock has gaps
    make_year(plan, LOCKED_YEAR, "locked")
    make_year(plan, PUBLISHED_YEAR, "published")
    users = {
        "anonymous": None,
        "owner": make_user("owner", "staff", [own]),
        "other_staff": make_user("other", "staff", [other]),
        "section_head": make_user("head", "section_head", [own]),
        "manager": make_user("manager", "manager"),
        "admin": make_user("admin", "admin"),
    }
    return {"plan": plan, "users": users}


def _state():
    return (
        list(EvaluationYear.objects.values_list("fiscal_year", "is_locked", "is_published")),
        list(YearlyStatus.objects.values_list("item", "fiscal_year", "status", "state")),
        AuditEntry.objects.count(),
    )


def _url(name, year):
    return lambda w: reverse(f"actions:{name}", args=[w["plan"].slug, year])


def _lock_data(reason):
    def build(w):
        gaps = ActionItem.objects.for_plan(w["plan"]).year_gaps(OPEN_YEAR)
        data = {
            "confirm": "on",
            "seen_items": gaps.total,
            "seen_not_approved": gaps.not_approved,
            "seen_not_evaluated": gaps.not_evaluated,
        }
        if reason:
            data["reason"] = reason
        return data

    return build


def _data(**fields):
    return lambda w: fields


def _expect(managers):
    return {"anonymous": 302, **MANAGERS_ONLY, "manager": managers, "admin": managers}


# (name, method, url, data, expected per role)
MATRIX = [
    ("lock_page", "get", _url("lock_year", OPEN_YEAR), None, _expect(200)),
    ("lock", "post", _url("lock_year", OPEN_YEAR), _lock_data("1件は次年度に評価"), _expect(302)),
    ("lock_without_reason", "post", _url("lock_year", OPEN_YEAR), _lock_data(""), _expect(200)),
    (
        "lock_without_confirmation",
        "post",
        _url("lock_year", OPEN_YEAR),
        lambda w: {**_lock_data("理由")(w), "confirm": ""},
        _expect(200),
    ),
    ("publish_page", "get", _url("publish_year", LOCKED_YEAR), None, _expect(200)),
    (
        "publish",
        "post",
        _url("publish_year", LOCKED_YEAR),
        _data(confirm="on", reason="未評価の取組は次年度に評価"),
        _expect(302),
    ),
    (
        "publish_without_confirmation",
        "post",
        _url("publish_year", LOCKED_YEAR),
        _data(),
        _expect(200),
    ),
    (
        "publish_an_open_year",
        "post",
        _url("publish_year", OPEN_YEAR),
        _data(confirm="on"),
        _expect(200),
    ),
    ("unpublish_page", "get", _url("unpublish_year", PUBLISHED_YEAR), None, _expect(200)),
    (
        "unpublish",
        "post",
        _url("unpublish_year", PUBLISHED_YEAR),
        _data(reason="集計の誤り"),
        _expect(302),
    ),
    (
        "unpublish_without_reason",
        "post",
        _url("unpublish_year", PUBLISHED_YEAR),
        _data(reason="  "),
        _expect(200),
    ),
    (
        "unlock",
        "post",
        _url("unlock_year", LOCKED_YEAR),
        _data(reason="誤りの訂正"),
        {"anonymous": 302, **MANAGERS_ONLY, "manager": 403, "admin": 302},
    ),
    (
        "unlock_page",
        "get",
        _url("unlock_year", LOCKED_YEAR),
        None,
        {"anonymous": 302, **{r: 405 for r in ROLES[1:]}},
    ),
]

CASES = [
    pytest.param(name, method, url, data, role, expected[role], id=f"{name}-{role}")
    for name, method, url, data, expected in MATRIX
    for role in ROLES
]


@pytest.mark.parametrize(("name", "method", "url", "data", "role", "expected"), CASES)
def test_the_matrix(client, world, name, method, url, data, role, expected):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    before = _state()
    response = getattr(client, method)(url(world), data(world) if data else None)
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if role == "anonymous" or expected != 302:
        assert _state() == before, "a refused request changed something"
    else:
        assert _state() != before, "an allowed write changed nothing"


def test_a_refused_form_says_why(client, world):
    client.force_login(world["users"]["manager"])
    response = client.post(_url("lock_year", OPEN_YEAR)(world), _lock_data("")(world))
    assert "承認されていない取組が 2件（うち未評価 1件）あります。" in response.text
    assert "理由を入力してください" in response.text
    response = client.post(_url("unpublish_year", PUBLISHED_YEAR)(world), {"reason": ""})
    assert "公表を取り消す理由を入力してください。" in response.text
    response = client.post(_url("publish_year", LOCKED_YEAR)(world), {})
    assert "「確認しました」にチェックを入れてください" in response.text


def test_a_year_outside_the_plan_is_not_found(client, world):
    client.force_login(world["users"]["manager"])
    for name in ("lock_year", "publish_year", "unpublish_year"):
        assert client.get(_url(name, 2040)(world)).status_code == 404


def test_a_tampered_lock_form_is_refused_with_a_message_and_changes_nothing(client, world):
    client.force_login(world["users"]["manager"])
    url = _url("lock_year", OPEN_YEAR)(world)
    before = _state()
    tampered = {**_lock_data("理由")(world), "seen_items": "x", "seen_not_approved": "-1"}
    response = client.post(url, tampered)
    assert response.status_code == 200
    assert "確認した内容を読み取れませんでした。このページを開き直してください。" in response.text
    too_long = {**_lock_data("あ" * 1001)(world)}
    response = client.post(url, too_long)
    assert response.status_code == 200 and "1000 文字以下" in response.text
    stale = {**_lock_data("理由")(world), "seen_not_approved": "0"}
    response = client.post(url, stale)
    assert "確認の後に評価が変わりました。" in response.text
    assert _state() == before
