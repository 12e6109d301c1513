"""The permission matrix of every staff workflow page: who gets 200, 302, 403 or 405.

(The year pages — 確定, 公表, 公表取消, 確定解除 — have theirs in test_year_permissions.)

Rows: anonymous, staff of the owning section, staff of another section, the
owning section's 課長, another section's 課長, manager, admin. A refused
request must change nothing; an allowed write must change something.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import AuditEntry, EvaluationYear, Kpi, KpiActual, YearlyStatus
from tests.actions.staff_users import make_user
from tests.factories import make_items, make_plan, make_section

YEAR = 2026
LOCKED_YEAR = 2025
OPEN_YEAR = 2027  # a year whose round is not open yet
ROLES = ["anonymous", "owner", "other_staff", "head", "other_head", "manager", "admin"]


@pytest.fixture
def world(db):
    plan = make_plan()
    own, other = make_section("担当課A"), make_section("担当課B")
    item, entered, submitted = make_items(plan, plan.areas.first(), 3, section=own)
    kpi = Kpi.objects.create(item=item, name="利用件数", unit="件")
    EvaluationYear.objects.update_or_create(
        plan=plan, fiscal_year=LOCKED_YEAR, defaults={"is_locked": True}
    )[0]
    users = {
        "anonymous": None,
        "owner": make_user("owner", "staff", [own]),
        "other_staff": make_user("other", "staff", [other]),
        "head": make_user("head", "section_head", [own]),
        "other_head": make_user("other_head", "section_head", [other]),
        "manager": make_user("manager", "manager"),
        "admin": make_user("admin", "admin"),
    }
    # The round of YEAR is open; one item is recorded (入力済み), one submitted (提出).
    services.open_round(plan, YEAR, deadline=_in_days(14), user=users["manager"])
    for one in (entered, submitted):
        services.record_status(one, YEAR, status="achieved", user=users["owner"])
    services.submit_items([services.MoveEntry(submitted, YEAR)], user=users["owner"])
    return {
        "plan": plan,
        "item": item,
        "entered": entered,
        "submitted": submitted,
        "kpi": kpi,
        "users": users,
    }


def _in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def _client(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    return client


def _state():
    return (
        list(
            YearlyStatus.objects.order_by("pk").values_list(
                "item", "fiscal_year", "status", "comment", "version", "state", "return_reason"
            )
        ),
        list(KpiActual.objects.values_list("kpi", "fiscal_year", "value")),
        list(
            EvaluationYear.objects.order_by("pk").values_list(
                "fiscal_year",
                "is_locked",
                "is_published",
                "deadline",
                "round_opened_at",
                "round_closed_at",
            )
        ),
        AuditEntry.objects.count(),
    )


def _edit_url(world, year=YEAR):
    item = world["item"]
    return reverse("actions:edit_status", args=[item.plan.slug, year, item.code_key])


def _year_url(world, name, year):
    return reverse(f"actions:{name}", args=[world["plan"].slug, year])


def _status_post(world):
    return {"status": "achieved", "comment": "予定どおり", "evidence": "", "version": "0"}


def _kpi_post(world):
    kpi = world["kpi"]
    return {"status": "", "comment": "", "evidence": "", "version": "0", f"kpi_{kpi.pk}": "120"}


def _roles(*codes):
    return dict(zip(ROLES, codes, strict=True))


def _move_post(world, which):
    item = world[which]
    version = YearlyStatus.objects.get(item=item, fiscal_year=YEAR).version
    return {"plan": world["plan"].slug, "year": YEAR, "only": f"{item.pk}:{version}"}


def _send_back_url(world):
    item = world["submitted"]
    return reverse("actions:send_back", args=[item.plan.slug, YEAR, item.code_key])


# (name, method, url builder, data builder, expected per role)
MATRIX = [
    (
        "my_items",
        "get",
        lambda w: reverse("actions:my_items"),
        None,
        {
            "anonymous": 302,
            "owner": 200,
            "other_staff": 200,
            "head": 200,
            "other_head": 200,
            "manager": 200,
            "admin": 200,
        },
    ),
    (
        "edit_status_get",
        "get",
        _edit_url,
        None,
        {
            "anonymous": 302,
            "owner": 200,
            "other_staff": 403,
            "head": 200,
            "other_head": 403,
            "manager": 403,
            "admin": 200,
        },
    ),
    (
        "edit_status_post",
        "post",
        _edit_url,
        _status_post,
        {
            "anonymous": 302,
            "owner": 302,
            "other_staff": 403,
            "head": 302,
            "other_head": 403,
            "manager": 403,
            "admin": 302,
        },
    ),
    (
        "edit_kpi_post",
        "post",
        _edit_url,
        _kpi_post,
        {
            "anonymous": 302,
            "owner": 302,
            "other_staff": 403,
            "head": 302,
            "other_head": 403,
            "manager": 403,
            "admin": 302,
        },
    ),
    (
        "years_page",
        "get",
        lambda w: reverse("actions:years"),
        None,
        {
            "anonymous": 302,
            "owner": 403,
            "other_staff": 403,
            "head": 403,
            "other_head": 403,
            "manager": 200,
            "admin": 200,
        },
    ),
    (
        "audit_log",
        "get",
        lambda w: reverse("actions:audit_log"),
        None,
        {
            "anonymous": 302,
            "owner": 403,
            "other_staff": 403,
            "head": 403,
            "other_head": 403,
            "manager": 200,
            "admin": 200,
        },
    ),
    (
        "audit_log_csv",
        "get",
        lambda w: reverse("actions:audit_log_csv"),
        None,
        {
            "anonymous": 302,
            "owner": 403,
            "other_staff": 403,
            "head": 403,
            "other_head": 403,
            "manager": 200,
            "admin": 200,
        },
    ),
    # The round (評価作業): moving items, the 課長's and the 本部's pages, the round itself.
    (
        "submit",
        "post",
        lambda w: reverse("actions:submit"),
        lambda w: _move_post(w, "entered"),
        _roles(302, 302, 403, 302, 403, 403, 302),
    ),
    (
        "submit_get",
        "get",
        lambda w: reverse("actions:submit"),
        None,
        _roles(302, 405, 405, 405, 405, 405, 405),
    ),
    (
        "approve",
        "post",
        lambda w: reverse("actions:approve"),
        lambda w: _move_post(w, "submitted"),
        _roles(302, 403, 403, 302, 403, 403, 302),
    ),
    (
        "send_back_get",
        "get",
        lambda w: _send_back_url(w),
        None,
        _roles(302, 403, 403, 200, 403, 200, 200),
    ),
    (
        "send_back_post",
        "post",
        lambda w: _send_back_url(w),
        lambda w: {"reason": "根拠を追記してください", "version": "1"},
        _roles(302, 403, 403, 302, 403, 302, 302),
    ),
    (
        "approvals",
        "get",
        lambda w: reverse("actions:approvals"),
        None,
        _roles(302, 403, 403, 200, 200, 200, 200),
    ),
    (
        "progress",
        "get",
        lambda w: reverse("actions:progress"),
        None,
        _roles(302, 403, 403, 200, 200, 200, 200),
    ),
    (
        "progress_items",
        "get",
        lambda w: reverse("actions:progress_items") + f"?plan={w['plan'].slug}&year={YEAR}",
        None,
        _roles(302, 403, 403, 200, 200, 200, 200),
    ),
    (
        "open_round",
        "post",
        lambda w: _year_url(w, "open_round", OPEN_YEAR),
        lambda w: {"deadline": _in_days(30).isoformat()},
        _roles(302, 403, 403, 403, 403, 302, 302),
    ),
    (
        "open_round_get",
        "get",
        lambda w: _year_url(w, "open_round", OPEN_YEAR),
        None,
        _roles(302, 405, 405, 405, 405, 405, 405),
    ),
    (
        "change_deadline",
        "post",
        lambda w: _year_url(w, "change_deadline", YEAR),
        lambda w: {"deadline": _in_days(21).isoformat(), "reason": "延長"},
        _roles(302, 403, 403, 403, 403, 302, 302),
    ),
    (
        "close_round",
        "post",
        lambda w: _year_url(w, "close_round", YEAR),
        None,
        _roles(302, 403, 403, 403, 403, 302, 302),
    ),
]

CASES = [
    pytest.param(name, method, url, data, role, expected[role], id=f"{name}-{role}")
    for name, method, url, data, expected in MATRIX
    for role in ROLES
]


@pytest.mark.parametrize(("name", "method", "url", "data", "role", "expected"), CASES)
def test_the_matrix(client, world, name, method, url, data, role, expected):
    client = _client(client, world, role)
    before = _state()
    response = getattr(client, method)(url(world), data(world) if data else None)
    assert response.status_code == expected
    if expected == 302 and role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if expected in (302, 403, 405) and (role == "anonymous" or expected != 302):
        assert _state() == before, "a refused request changed something"
    if expected == 302 and role != "anonymous":
        assert _state() != before, "an allowed write changed nothing"


def test_an_allowed_status_post_records_who_and_what(client, world):
    client.force_login(world["users"]["owner"])
    client.post(_edit_url(world), _status_post(world))
    status = YearlyStatus.objects.get(item=world["item"], fiscal_year=YEAR)
    assert (status.status, status.comment, status.updated_by) == (
        "achieved",
        "予定どおり",
        world["users"]["owner"],
    )
    entry = AuditEntry.objects.get(item=world["item"])
    assert entry.user == world["users"]["owner"]
    assert entry.before is None
    assert entry.after["status_label"] == "達成"


def test_an_allowed_kpi_post_records_the_actual(client, world):
    client.force_login(world["users"]["owner"])
    client.post(_edit_url(world), _kpi_post(world))
    assert KpiActual.objects.get(kpi=world["kpi"], fiscal_year=YEAR).value == 120


def test_a_signed_in_user_without_a_role_is_refused(client, world):
    client.force_login(make_user("nobody"))
    assert client.get(reverse("actions:my_items")).status_code == 403
    assert client.get(_edit_url(world)).status_code == 403


def test_a_year_outside_the_plan_period_is_not_found(client, world):
    client.force_login(world["users"]["owner"])
    assert client.get(_edit_url(world, year=2040)).status_code == 404


def test_an_unknown_item_is_not_found(client, world):
    client.force_login(world["users"]["admin"])
    url = reverse("actions:edit_status", args=[world["plan"].slug, 999, YEAR])
    assert client.get(url).status_code == 404


def _imports_url(name):
    return reverse(f"imports:{name}")


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("owner", 403), ("other_staff", 403), ("manager", 200), ("admin", 200)],
)
def test_the_import_page_opens_for_managers_and_admins(client, world, role, expected):
    # Managers may download the template and exports there; only admins upload.
    response = _client(client, world, role).get(_imports_url("index"))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("owner", 403), ("other_staff", 403), ("manager", 403)],
)
def test_only_admins_may_upload_an_import(client, world, role, expected):
    before = _state()
    response = _client(client, world, role).post(_imports_url("upload"), {})
    assert response.status_code == expected
    assert _state() == before
