"""Every URL of the site × every role of one town, against the other town's objects.

中井町 (nakai.localhost) and 札幌市 (sapporo.localhost) come from the ``world`` of
test_town_isolation. ``furnish`` gives each town one object for every kind of URL
argument: a plan of a slug only it has, an item of a code only it has, an area of a
number only it has, an open round, a published year, a report, an import job, an
audit entry … Every string of 札幌市's data contains 「札幌」, and every string only its
staff may read contains 「札幌の内部」.

Each role of 中井町 (and an anonymous visitor) requests every URL pattern of the
project on 中井町's host, GET and POST, its arguments filled with 札幌市's values.
No answer is a 5xx, none shows 札幌市's data, a lookup of what only 札幌市 has is
refused, and 札幌市's rows are exactly as they were. The URLs are read from the
resolver, so a new URL is requested as soon as it exists, or the test names it.
"""

import datetime
import html
import io
import itertools
import json
import re
import zipfile
from decimal import Decimal
from urllib.parse import quote, unquote, urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django.utils import timezone
from pypdf import PdfReader

from actions import services
from actions.models import (
    ActionItem,
    AuditEntry,
    ImportJob,
    Kpi,
    ReminderLog,
    YearlyStatus,
)
from actions.years.forms import LockYearForm
from plans.models import (
    GoverningBody,
    PublishedFigure,
    Section,
    TimelineEvent,
    WellBeingDirection,
    WorkingGroup,
)
from plans.towns import town_path
from reports.completeness import year_completeness
from reports.models import YearReport
from tests.actions.staff_users import ROLE_GROUPS
from tests.actions.test_town_isolation import (  # noqa: F401  (world: the fixture)
    NAKAI,
    PASSWORD,
    SAPPORO,
    world,
)
from tests.factories import make_plan

YEAR = 2026  # the fiscal year every year of a URL names; the plans cover 2023–2028
LABEL = {"nakai": "中井", "sapporo": "札幌"}
OWN_CODE = {"nakai": "N-9", "sapporo": "S-9"}  # an item code only that town has
OWN_AREA = 3  # an area number only the towns' own plans have (dx-1.0 has areas 1 and 2)
HOST = {"nakai": NAKAI, "sapporo": SAPPORO}
ROLES = ["anonymous", *ROLE_GROUPS]

# URL patterns not requested by the matrix, each with the reason.
SKIPPED = {
    "admin/": "the admin: test_the_admin_refuses_the_other_towns_rows requests each "
    "registered model's pages of the other town's object",
    "health/": "the deployment's health check: answers on every host, reads no town's data",
}
# Static files have no URL pattern: WhiteNoise answers /static/ before URL resolution.

# Admin-registered models that belong to no town, each with the reason.
SHARED_ADMIN_MODELS = {
    "auth.Group": "the roles are the deployment's, shared by every town",
    "plans.NationalPlanItem": "the national plan's items are shared by every town",
    "axes.AccessAttempt": "sign-in attempts of the deployment (a town's admin holds no "
    "permission on them)",
    "axes.AccessLog": "sign-ins of the deployment (no permission for a town's admin)",
    "axes.AccessFailureLog": "failed sign-ins of the deployment (no permission for a "
    "town's admin)",
}
# Models that belong to no town; every other model's rows of 札幌市 are compared.
SHARED_MODELS = {
    "admin.LogEntry": "the admin's log names rows by id only; the rows themselves are compared",
    "auth.Permission": "the deployment's permissions",
    "auth.Group": "the deployment's roles",
    "auth.Group_permissions": "the deployment's roles",
    "contenttypes.ContentType": "the deployment's models",
    "sessions.Session": "sessions: the requests' own",
    "axes.AccessAttempt": "sign-in attempts: the requests' own",
    "axes.AccessLog": "sign-ins: the requests' own",
    "axes.AccessFailureLog": "failed sign-ins: the requests' own",
    "axes.AccessAttemptExpiration": "sign-in attempts: the requests' own",
    "django_tasks_database.DBTaskResult": "background tasks; an import's rows are compared",
    "plans.NationalPlanItem": "the national plan, shared by every town",
}
# Models whose town is a plain column rather than a relation.
TOWN_COLUMNS = {"plans.DataVersion": "town_id"}


# --- the two towns' data --------------------------------------------------------------


def _item(plan, code, title, area, section):
    item = ActionItem(plan=plan, code=code, title=title, primary_area=area, section=section)
    item.fill_code_keys()
    item.save()
    return item


def _rate_and_submit(item, user, comment, evidence, actuals=None):
    services.record_evaluation(
        item,
        YEAR,
        status="achieved",
        comment=comment,
        evidence=evidence,
        actuals=actuals,
        user=user,
    )
    version = YearlyStatus.objects.get(item=item, fiscal_year=YEAR).version
    services.submit_items([services.MoveEntry(item, YEAR, version)], user=user)


def furnish(world, key):
    """One object of ``key``'s town for every kind of URL argument, named with its label.

    Plans: dx-1.0 (the world's; the other town has that slug too), <key>-only (an open
    round of submitted items, a draft report) and <key>-published (a published year).
    """
    town, label = world[key], LABEL[key]
    users = {role: world[f"{key}_{role}"] for role in ROLE_GROUPS}
    staff, manager = users["staff"], users["manager"]
    section = Section.objects.create(town=town, name=f"{label}だけの課")
    for user in users.values():
        user.staff_profile.sections.add(section)

    shared = world[f"{key}_plan"]
    shared.name = f"{label}だけの計画（共通の計画ID）"
    shared.save()
    first = world[f"{key}_item"]
    first.title = f"{label}だけの取組（共通の計画ID）"
    first.save()
    own = make_plan(
        slug=f"{key}-only",
        name=f"{label}だけの計画",
        areas=("区分A", "区分B", f"{label}だけの区分"),
        town=town,
    )
    published = make_plan(slug=f"{key}-published", name=f"{label}の公表計画", town=town)
    area = own.areas.get(number=OWN_AREA)
    code = OWN_CODE[key]
    items = {
        "shared": [
            first,
            _item(shared, code, f"{label}だけの取組（独自の番号）", shared.areas.first(), section),
        ],
        "own": [
            _item(own, "1", f"{label}だけの取組一", area, section),
            _item(own, code, f"{label}だけの取組九", area, section),
        ],
        "published": [
            _item(published, "1", f"{label}の公表取組一", published.areas.first(), section),
            _item(published, code, f"{label}の公表取組九", published.areas.first(), section),
        ],
    }
    kpi = Kpi.objects.create(item=items["own"][1], name=f"{label}だけの指標", unit="件")

    deadline = timezone.localdate() + datetime.timedelta(days=30)
    for plan in (shared, own):
        services.open_round(plan, YEAR, deadline=deadline, user=manager)
    for item in items["shared"] + items["own"]:
        actuals = {kpi: Decimal("7")} if item == kpi.item else None
        _rate_and_submit(item, staff, f"{label}の内部備考", f"{label}の内部メモ", actuals)
    for item in items["published"]:
        _rate_and_submit(item, staff, f"{label}の公表備考", f"{label}の内部メモ")
    services.lock_year(published, YEAR, reason="テスト", user=manager)
    services.publish_year(published, YEAR, user=manager)
    YearReport.objects.create(plan=own, fiscal_year=YEAR, overview=f"{label}の内部総評")
    YearReport.objects.create(plan=published, fiscal_year=YEAR, overview=f"{label}の公表総評")

    AuditEntry.objects.create(
        town=town, user=manager, action="テスト", object_repr=f"{label}の内部記録", plan=own
    )
    job = ImportJob.objects.create(
        town=town,
        user=users["admin"],
        filename=f"{label}の内部取込.xlsx",
        data=b"PK",
        digest="0" * 64,
        state=ImportJob.State.CHECKED,
        report={"ok": True, "total_writes": 1},
    )
    event = TimelineEvent.objects.create(
        town=town, occurred_on=datetime.date(2025, 4, 1), summary=f"{label}だけの出来事"
    )
    event.areas.add(area)
    WorkingGroup.objects.create(town=town, number=1, name=f"{label}だけの部会")
    GoverningBody.objects.create(town=town, name=f"{label}だけの会議")
    WellBeingDirection.objects.create(town=town, number=1, name=f"{label}だけの方向")
    PublishedFigure.objects.create(
        plan=own,
        fiscal_year=2024,
        source=f"{label}だけの表",
        total=1,
        achieved=1,
        partially_achieved=0,
        not_achieved=0,
        undeterminable=0,
        rate=Decimal("100.0"),
    )
    ReminderLog.objects.create(
        town=town,
        user=staff,
        sent_on=timezone.localdate(),
        email=f"{key}-staff@example.jp",
        subject=f"{label}の内部督促",
    )
    return {
        "key": key,
        "town": town,
        "users": users,
        "plans": {"shared": shared, "own": own, "published": published},
        "job": job,
    }


@pytest.fixture
def towns(world):  # noqa: F811
    return {key: furnish(world, key) for key in ("nakai", "sapporo")}


def url_values(data):
    """The values of every URL argument that name ``data``'s town's objects.

    Returns {argument: [values]} and the set of values only that town has (the other
    town has dx-1.0, item 1 and areas 1–2 too; only these must be refused outright).
    """
    plans, key = data["plans"], data["key"]
    values = {
        "slug": [plans["own"].slug, plans["published"].slug, plans["shared"].slug],
        "year": [str(YEAR)],
        "code": [OWN_CODE[key], "1"],
        "number": [str(OWN_AREA)],
        "fmt": ["docx", "xlsx", "pdf"],
        "job_id": [str(data["job"].pk)],
    }
    own = {plans["own"].slug, plans["published"].slug, OWN_CODE[key], str(OWN_AREA)}
    return values, own | {str(data["job"].pk)}


URL_ARGUMENTS = {"slug", "year", "code", "number", "fmt", "job_id"}


# --- the URL patterns -------------------------------------------------------------------

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def url_patterns():
    """(route, name, is under i18n_patterns) of every URL pattern but the SKIPPED ones."""
    found = []

    def walk(patterns, prefix, i18n):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                locale = isinstance(entry.pattern, LocalePrefixPattern)
                part = "" if locale else str(entry.pattern)
                walk(entry.url_patterns, prefix + part, i18n or locale)
            else:
                found.append((prefix + str(entry.pattern), entry, i18n))

    walk(get_resolver().url_patterns, "", False)
    return [
        (route, entry, i18n)
        for route, entry, i18n in found
        if not route.startswith(tuple(SKIPPED))
    ]


def unhandled(route, entry):
    """Why the matrix cannot request this pattern, or None."""
    if not isinstance(entry.pattern, RoutePattern) or "(?" in route or "^" in route:
        return f"URL pattern {route!r} is a regular expression: give it a route or a skip"
    missing = [m["name"] for m in PARAMETER.finditer(route) if m["name"] not in URL_ARGUMENTS]
    if missing:
        return (
            f"URL pattern {route!r} ({entry.lookup_str}) takes {missing}: add a value of the "
            "other town's objects to url_values and URL_ARGUMENTS"
        )
    return None


def concrete_urls(route, values, own):
    """(path, kwargs, names an object only the other town has) for each combination."""
    names = [m["name"] for m in PARAMETER.finditer(route)]
    for combination in itertools.product(*(values[name] for name in names)):
        kwargs = dict(zip(names, combination, strict=True))
        path = "/" + PARAMETER.sub(lambda m: quote(kwargs[m["name"]], safe=""), route)
        yield path, kwargs, bool(own & set(combination))


def every_url(values, own):
    """[(path, name, kwargs, only the other town's, i18n)] for every pattern; fails on gaps."""
    problems = [problem for route, entry, _ in url_patterns() if (problem := unhandled(route, entry))]
    assert problems == [], "\n".join(problems)
    urls = []
    for route, entry, i18n in url_patterns():
        for path, kwargs, own_only in concrete_urls(route, values, own):
            assert resolve(path).route == route, f"{path} does not resolve to {route!r}"
            urls.append((path, entry.name, kwargs, own_only, i18n))
    return urls


LANGUAGE_PREFIXES = [f"/{code}" for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


# --- requests and what they show ------------------------------------------------------------


def body_text(response):
    """Everything a response shows: its body (inside zip files and PDFs too), its Location."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    texts = [raw.decode("utf-8", "replace"), unquote(response.get("Location", ""))]
    if raw.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            texts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    elif raw.startswith(b"%PDF"):
        texts += [page.extract_text() or "" for page in PdfReader(io.BytesIO(raw)).pages]
    else:
        try:
            texts.append(json.dumps(json.loads(raw), ensure_ascii=False))
        except ValueError:
            pass
    return "\n".join(texts)


def _sent_strings(path, query, data):
    values = [unquote(part) for part in path.split("/")]
    for value in itertools.chain((query or {}).values(), (data or {}).values()):
        values.extend(value if isinstance(value, list) else [value])
    return sorted({str(value) for value in values if len(str(value)) > 1}, key=len, reverse=True)


def shown(response, markers, sent):
    """The markers a response shows, what the request itself sent (and a page echoes) aside."""
    text = body_text(response)
    for value in sent:
        for form in (value, html.escape(value), quote(value)):
            text = text.replace(form, "")
    return [marker for marker in markers if marker in text]


def markers_of(data, public=True):
    """Strings of a town's data: all of it, or (public=False) only what its staff may read."""
    label = LABEL[data["key"]]
    usernames = [user.username for user in data["users"].values()]
    return [label if public else f"{label}の内部", *usernames]


# The deployment's comparison of towns (every town's published figures, on any host).
EVERY_TOWN_PAGES = ("/towns/",)


def is_every_town_page(path):
    for prefix in ["", *LANGUAGE_PREFIXES]:
        if path.startswith(tuple(prefix + page for page in EVERY_TOWN_PAGES)):
            return True
    return False


def post_data(data, slug, code, name, signs_in_as):
    """What the forms post, naming ``data``'s town's rows as their own pages would.

    Plausible enough that each write would go through if the lookup found the row:
    the right versions, the gaps the lock page shows, the items' ids.
    """
    plan = data["plans"]["own" if slug is None else "shared"]
    plan = next((p for p in data["plans"].values() if p.slug == slug), plan)
    items = list(ActionItem.objects.filter(plan=plan).order_by("pk"))
    versions = dict(
        YearlyStatus.objects.filter(item__in=items, fiscal_year=YEAR).values_list(
            "item_id", "version"
        )
    )
    tokens = [f"{item.pk}:{versions.get(item.pk, 0)}" for item in items]
    item = ActionItem.objects.with_code(plan, code).first() if code else items[0]
    version = versions.get(item.pk, 0) if item else 0
    if name == "year_report_edit":
        report = YearReport.objects.filter(plan=plan, fiscal_year=YEAR).first()
        version = report.version if report else 0
    return {
        # The round's moves (提出, 承認, 差戻し): items by id, as their buttons post them.
        "plan": plan.slug,
        "year": str(YEAR),
        "items": tokens,
        "only": tokens[0],
        "confirmed": "1",
        # The status form.
        "status": "achieved",
        "comment": "テストで書き換えた備考",
        "evidence": "テストで書き換えたメモ",
        "version": str(version),
        # 確定, 解除, 公表, 公表取消, the round's deadline.
        "reason": "テストの理由",
        "confirm": "on",
        **{k: str(v) for k, v in LockYearForm.seen(year_completeness(plan, YEAR).gaps).items()},
        "deadline": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        # The year's report.
        "overview": "テストで書き換えた総評",
        "highlighted_items": [str(item.pk) for item in items],
        # The import's confirmation and signing in.
        "token": data["job"].pk.hex,
        "username": signs_in_as.username,
        "password": PASSWORD,
    }


def town_rows(town):
    """Every row of ``town`` in every model (counts, values, timestamps), for comparison."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if label in SHARED_MODELS:
            continue
        path = TOWN_COLUMNS.get(label) or town_path(model)
        if path is None:  # through its first relation to a model of a town
            path = next(
                (
                    f"{field.name}__{town_path(field.related_model)}"
                    for field in model._meta.concrete_fields
                    if field.is_relation and town_path(field.related_model)
                ),
                None,
            )
        assert path is not None, (
            f"{label}: no town found for its rows; name its lookup in TOWN_COLUMNS "
            "or the reason it belongs to no town in SHARED_MODELS"
        )
        rows[label] = sorted(
            model._default_manager.filter(**{path: town.pk}).order_by("pk").values_list(),
            key=repr,
        )
    return rows


def changed_rows(before, after):
    """Per model, the rows that were added, removed or changed."""
    changes = {}
    for label in before:
        gone = [row for row in before[label] if row not in after[label]]
        new = [row for row in after[label] if row not in before[label]]
        if gone or new:
            changes[label] = {"before": gone, "after": new}
    return changes


TIMING = []


class Probe:
    """Requests on one host, noting each 5xx, each marker shown and each lookup not refused."""

    def __init__(self, client, host, data, user=None):
        self.client, self.host, self.user = client, host, user
        self.markers = markers_of(data)
        # The comparison of towns lists every town's published figures by design: there
        # only what the other town's staff alone may read must not show.
        self.every_town_markers = markers_of(data, public=False)
        self.problems = {}
        self.requests = 0

    def request(self, method, path, *, query=None, data=None, own_only=False):
        import time
        t = time.perf_counter()
        response = getattr(self.client, method.lower())(
            path, query if method == "GET" else data, HTTP_HOST=self.host
        )
        self.requests += 1
        TIMING.append((time.perf_counter() - t, method, path, response.status_code))
        where = f"{method} {path}" + (f"?{urlencode(query, doseq=True)}" if query else "")
        found = []
        if response.status_code >= 500:
            error = response.exc_info[1] if response.exc_info else None
            found.append(f"{response.status_code}: {error!r}")
        markers = self.every_town_markers if is_every_town_page(path) else self.markers
        leaked = shown(response, markers, _sent_strings(path, query, data))
        if leaked:
            found.append(f"{response.status_code} shows {leaked}")
        if own_only and not refused(response, path):
            found.append(
                f"{response.status_code} {response.get('Location', '')}: a lookup of the "
                "other town's own object is not refused"
            )
        if found:
            self.problems[where] = found
        if self.user is not None and "_auth_user_id" not in self.client.session:
            self.client.force_login(self.user)  # signed out by the logout URL: sign in again
        return response


def refused(response, path):
    """404, 403, 400 or 405; or off to the sign-in page, or from a translated URL to the
    Japanese one (a page in Japanese only): nothing was looked up yet."""
    if response.status_code in (400, 403, 404, 405):
        return True
    location = response.get("Location", "")
    japanese = [path.removeprefix(prefix) for prefix in LANGUAGE_PREFIXES]
    return response.status_code == 302 and (
        location.startswith("/accounts/login/") or location in japanese
    )


def client_of(world, key, role):  # noqa: F811
    client = Client(raise_request_exception=False)
    user = None if role == "anonymous" else world[f"{key}_{role}"]
    if user is not None:
        client.force_login(user)
    return client, user


def warm_public_pages(urls, host):
    """The other town's public pages cached first: a cache key without the town would show."""
    client = Client(raise_request_exception=False)
    for path, _name, _kwargs, _own, i18n in urls:
        if i18n or path.startswith("/api/"):
            client.get(path, HTTP_HOST=host)


QUERIES = [
    # Query parameters the pages read (?plan, ?year, ?section, ?area, ?state) naming the
    # other town's rows: a plan only it has, its section's id, its area's id and name.
    lambda data, section, area: {
        "plan": data["plans"]["own"].slug,
        "year": str(YEAR),
        "section": str(section.pk),
        "area": str(area.pk),
        "state": "submitted",
    },
    lambda data, section, area: {
        "plan": data["plans"]["shared"].slug,
        "year": str(YEAR),
        "section": str(section.pk),
        "area": area.name,
    },
]


def run_matrix(probe, data, urls, signs_in_as):
    """GET and POST every URL (GET with the query parameters too where the URL takes none)."""
    section = Section.objects.get(town=data["town"], name=f"{LABEL[data['key']]}だけの課")
    area = data["plans"]["own"].areas.get(number=OWN_AREA)
    for path, name, kwargs, own_only, i18n in urls:
        probe.request("GET", path, own_only=own_only)
        slugs = [kwargs["slug"]] if "slug" in kwargs else [p.slug for p in data["plans"].values()]
        for slug in slugs:
            form = post_data(data, slug, kwargs.get("code"), name, signs_in_as)
            probe.request("POST", path, data=form, own_only=own_only)
        if not kwargs:
            for query in QUERIES:
                probe.request("GET", path, query=query(data, section, area))
        if i18n and (own_only or not kwargs):
            for prefix in LANGUAGE_PREFIXES:
                probe.request("GET", prefix + path, own_only=own_only)


# --- the tests -------------------------------------------------------------------------------


def test_every_url_pattern_is_requested_or_skipped_with_a_reason():
    patterns = url_patterns()
    problems = [problem for route, entry, _ in patterns if (problem := unhandled(route, entry))]
    assert problems == []
    routes = {route for route, _, _ in patterns}
    assert "staff/items/<str:slug>/<int:year>/<path:code>/" in routes
    assert "api/v1/plans/<slug>/items/<path:code>" in routes
    assert any(i18n for _, _, i18n in patterns), "the public pages are under i18n_patterns"


@pytest.mark.parametrize("role", ROLES)
def test_no_role_of_one_town_reaches_the_other_towns_objects(towns, world, role):  # noqa: F811
    import time
    t0 = time.perf_counter()
    sapporo = towns["sapporo"]
    values, own = url_values(sapporo)
    urls = every_url(values, own)
    t1 = time.perf_counter()
    warm_public_pages(urls, SAPPORO)
    t2 = time.perf_counter()
    before = town_rows(sapporo["town"])
    client, user = client_of(world, "nakai", role)
    probe = Probe(client, NAKAI, sapporo, user)
    run_matrix(probe, sapporo, urls, signs_in_as=sapporo["users"]["staff"])
    t3 = time.perf_counter()
    print("TIMES", t1 - t0, t2 - t1, t3 - t2)
    for row in sorted(TIMING, reverse=True)[:40]:
        print("SLOW", row)
    print("SUM", sum(t for t, *_ in TIMING))
    problems = dict(probe.problems)
    changes = changed_rows(before, town_rows(sapporo["town"]))
    if changes:
        problems["札幌市's rows changed"] = changes
    print(f"{role}: {probe.requests} requests")
    assert problems == {}



def test_debug_profile(towns, world):  # noqa: F811
    import cProfile
    import pstats
    client, user = client_of(world, "nakai", "manager")
    paths = ["/staff/items/", "/plans/sapporo-only/", "/staff/progress/", "/api/v1/plans/sapporo-only", "/staff/years/sapporo-only/2026/lock/"] * 10
    for p in paths[:5]:
        client.get(p, HTTP_HOST=NAKAI)
    prof = cProfile.Profile()
    prof.enable()
    for p in paths:
        client.get(p, HTTP_HOST=NAKAI)
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
