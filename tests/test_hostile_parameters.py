"""Every public, staff and admin URL, with hostile values in its path and query: never a 5xx.

The URLs come from the URLconf itself, so a new page is fuzzed without
touching this file. Each URL is requested as anonymous and as every role with
NUL bytes, huge and negative numbers, broken percent-encodings, very long
strings and 和暦 oddities, in each path slot and each query parameter.
Runs on SQLite and on PostgreSQL (where a NUL in a query used to be a 500).
"""

import functools
import os
import re
from urllib.parse import quote, urlencode

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actions import services
from actions.models import AuditEntry, Kpi, Status
from plans.models import Plan
from tests.actions.staff_users import make_user

YEAR = 2025
FORM = "application/x-www-form-urlencoded"
LONG = "x" * 3000

# Raw (already percent-encoded) values, as a hand-made request carries them.
HOSTILE = [
    "%00",
    "a%00b",
    "%ff%fe",
    "%c3%28",
    "%ed%a0%80",
    "99999999999999999999999999",
    "2147483648",
    "-1",
    "-99999999999999999999",
    "0",
    "1e309",
    "NaN",
    LONG,
    quote("令和0年度"),
    quote("令和元年度"),
    quote("令和99999999年度"),
    quote("平成31年度"),
    quote("R-1"),
    quote("令和７年度"),
    quote("<script>alert(1)</script>"),
    "%2e%2e%2f",
]
ROLES = ["anonymous", "staff", "manager", "admin", "superuser"]

# Query parameters the pages read. Every URL gets all of them at once with
# each hostile value, plan and year kept valid (they decide which page it is);
# plan and year get each value on their own as well.
PARAMETERS = [
    "per_page",
    "page",
    "sort",
    "_export",
    "format",
    "sheet",
    "encoding",
    "next",
    "area",
    "user",
    "item",
    "section",
    "date_from",
    "date_to",
]
DECIDING = ["plan", "year"]


def _share(role):
    """The hostile values a role tries on its own; together the roles cover all."""
    index = ROLES.index(role)
    return sorted({"%00", *HOSTILE[index :: len(ROLES)]}, key=HOSTILE.index)


SKIPPED_NAMES = {
    "logout",  # POST only; signs the client out
    "admin:logout",
    "admin:view_on_site",  # redirects to an object's URL, fuzzed on its own
    "admin:jsi18n",
}


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _patterns(
                entry,
                prefix + str(entry.pattern),
                f"{namespace}:{ns}".strip(":") if ns else namespace,
            )
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}".strip(":") if entry.name else ""
            yield name, prefix + str(entry.pattern)


SLOT = re.compile(r"<(?:(\w+):)?(\w+)>")


def _admin_model(route):
    match = re.match(r"\^?admin/(\w+)/(\w+)/", route)
    if not match:
        return None
    for model in admin.site._registry:
        if (model._meta.app_label, model._meta.model_name) == match.groups():
            return model
    return None


def _route_to_template(route):
    """A Django route or admin regex as a template with {slot} placeholders."""
    route = route.lstrip("^").rstrip("$")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)  # admin's regex groups
    route = route.replace("\\", "")
    return "/" + route


def _valid_values(world, name, route):
    model = _admin_model(route)
    values = {
        "slug": world["plan"].slug,
        "year": str(YEAR),
        "app_label": "actions",
        "content_type_id": "1",
        "object_id": "1",
    }
    if model is not None:
        obj = model._default_manager.order_by("pk").first()
        values["object_id"] = str(obj.pk) if obj else "1"
    values["number"] = "1"
    values["code"] = world["item"].code_key
    return values


def _urls(world):
    """(name, valid url, [(slot, hostile url)]) for every GET-able pattern."""
    seen = set()
    for name, route in _patterns():
        if name in SKIPPED_NAMES or "static" in route:
            continue
        template = _route_to_template(route)
        if template in seen:
            continue
        seen.add(template)
        fill = functools.partial(_fill, template, _valid_values(world, name, route))
        slots = [slot for _converter, slot in SLOT.findall(template)]
        yield name, fill(), [(slot, fill) for slot in slots]


def _fill(template, valid, override=None, slot_name=None):
    def sub(match):
        key = match.group(2)
        return override if key == slot_name else quote(valid.get(key, "1"), safe="")

    return SLOT.sub(sub, template)


@pytest.fixture
def world(town_data):
    plan = Plan.objects.get(slug="nakai-dx-2.0")
    item = plan.items.order_by("sort_key").first()
    section = item.section
    root = get_user_model().objects.create_superuser("root", password="root-pass-x9")
    admin_user = make_user("kanri", "admin")
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    services.record_status(
        item, 2026, status=Status.NOT_ACHIEVED, comment="理由", evidence="メモ", user=root
    )
    kpi = Kpi.objects.create(item=item, name="件数", unit="件")
    services.record_kpi_actual(kpi, 2026, 3, user=root)
    assert AuditEntry.objects.exists()
    return {
        "plan": plan,
        "item": item,
        "users": {
            "anonymous": None,
            "staff": make_user("shokuin", "staff", [section] if section else []),
            "manager": make_user("kacho", "manager"),
            "admin": admin_user,
            "superuser": root,
        },
    }


def _admin_filters(client, url):
    """The parameters the filter links of an admin change list use (plan__id__exact, …)."""
    page = client.get(url).content.decode()
    return sorted(set(re.findall(r'href="\?([a-z_]+)=', page)) - {"o", "q", "p", "e", "all"})


def _checks(client, world, role):
    share = _share(role)
    every_value = HOSTILE if role in ("anonymous", "superuser") else share
    plan_and_year = f"plan={world['plan'].slug}&year={YEAR}"
    for name, url, slots in _urls(world):
        if name.startswith("admin:") or not name:
            yield from _admin_checks(client, role, name, url, slots, share)
            continue
        for slot, fill in slots:
            yield from (fill(value, slot) for value in share)
        for value in every_value:
            yield f"{url}?{plan_and_year}&" + "&".join(f"{p}={value}" for p in PARAMETERS)
        for param in DECIDING:
            yield from (f"{url}?{param}={value}" for value in share)


def _admin_checks(client, role, name, url, slots, share):
    """The Django admin: fully as the superuser, once with a NUL for everybody else."""
    if role != "superuser":
        yield url + "?q=%00"
        return
    for slot, fill in slots:
        yield from (fill(value, slot) for value in share)
    filters = _admin_filters(client, url) if name.endswith("_changelist") else []
    for value in share:
        yield url + "?" + "&".join(f"{p}={value}" for p in ["q", "o", "p", "e", *filters])
        yield from (f"{url}?{p}={value}" for p in filters)


@pytest.mark.parametrize("role", ROLES)
def test_no_url_answers_a_hostile_parameter_with_a_server_error(world, role):
    client = Client(raise_request_exception=False)
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    failures, count = [], 0
    for url in _checks(client, world, role):
        count += 1
        status = client.get(url).status_code
        if status >= 500:
            failures.append(f"{status} {url[:160]}")
    if failures and os.environ.get("FUZZ_FAILURES"):
        with open(os.environ["FUZZ_FAILURES"], "a") as out:
            out.write("\n".join(failures) + "\n")
    assert count > 300
    assert not failures, f"{len(failures)} of {count} requests failed:\n" + "\n".join(failures[:60])


# --- the cases found by hand, each named ------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/plans/%00/",
        "/opendata/achievement.csv?plan=%00",
        "/opendata/achievement.json?plan=%00&year=2025",
        "/?plan=%00",
        "/plans/nakai-dx-2.0/areas/1/?year=%00",
    ],
)
def test_a_nul_byte_is_a_japanese_400(client, world, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "使えない文字（NUL）" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/actions/actionitem/?plan__id__exact=%00",
        "/admin/actions/yearlystatus/?item__plan__id__exact=%00",
        "/admin/actions/auditentry/?source__exact=%00",
    ],
)
def test_a_nul_byte_in_an_admin_list_filter_is_a_400(client, world, url):
    client.force_login(world["users"]["superuser"])
    assert client.get(url).status_code == 400


def test_a_nul_byte_in_a_posted_form_is_a_400_and_changes_nothing(client, world):
    client.force_login(world["users"]["superuser"])
    before = AuditEntry.objects.count()
    url = reverse("actions:edit_status", args=[world["plan"].slug, 2026, world["item"].code_key])
    fields = {"status": "achieved", "comment": "a\x00b", "evidence": "", "version": "1"}
    assert client.post(url, urlencode(fields), content_type=FORM).status_code == 400
    assert client.post(url, fields).status_code == 400  # multipart
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("per_page", ["-1", "0", "-99999999999999999999", "99999999999999999999"])
@pytest.mark.parametrize("page", ["", "-1", "99999999999999999999"])
def test_bad_paging_shows_a_page(client, world, per_page, page):
    client.force_login(world["users"]["manager"])
    query = f"?per_page={per_page}" + (f"&page={page}" if page else "")
    for url in ("/plans/nakai-dx-2.0/areas/1/", "/staff/history/"):
        response = client.get(url + query)
        assert response.status_code == 200, url + query
