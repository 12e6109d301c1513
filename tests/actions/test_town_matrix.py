"""Every URL of the site × every role of one town, against the other town's objects.

中井町 (nakai.localhost) and 札幌市 (sapporo.localhost) come from the ``world`` of
test_town_isolation. ``furnish`` gives each town one object for every kind of URL
argument: a plan of a slug only it has, an item of a code only it has, an area of a
number only it has, an open round of submitted items, a locked year, a published year,
a draft report, an import job, an audit entry … Every string of 札幌市's data contains
「札幌」, and every string only its staff may read contains 「札幌の内部」.

Each role of 中井町 (and an anonymous visitor) requests every URL pattern of the
project on 中井町's host, GET and POST, its arguments filled with 札幌市's values (by
slug, by code, by area number, by id, in the query string and in the posted form).
No answer is a 5xx, none shows 札幌市's data, a lookup of what only 札幌市 has is
refused, and 札幌市's rows are exactly as they were. The URL patterns are read from
the resolver: a new URL is requested as soon as it exists, or the test names it.
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
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django.utils import timezone
from pypdf import PdfReader

from actions import services
from actions.models import (
    ActionItem,
    AuditEntry,
    EvaluationState,
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
    Town,
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

YEAR = 2026  # the fiscal year of every URL that names one; the plans cover 2023–2028
LABEL = {"nakai": "中井", "sapporo": "札幌"}
OWN_CODE = {"nakai": "N-9", "sapporo": "S-9"}  # an item code only that town has
OWN_AREA = 3  # an area number only the towns' own plans have (dx-1.0 has areas 1 and 2)
ROLES = ["anonymous", *ROLE_GROUPS]
LANGUAGE_PREFIXES = [f"/{code}" for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]

# URL patterns the matrix does not request, each with the reason.
SKIPPED = {
    "admin/": "the admin: test_the_admin_refuses_the_other_towns_rows requests each "
    "registered model's pages of the other town's object",
    "health/": "the deployment's health check: answers on every host, reads no town's data",
}
# Static files have no URL pattern: WhiteNoise answers /static/ before URL resolution.

# Admin-registered models that belong to no town, each with the reason (their lists are
# still read, and must not show the other town's data).
SHARED_ADMIN_MODELS = {
    "auth.Group": "the roles are the deployment's, shared by every town",
    "plans.NationalPlanItem": "the national plan's items are shared by every town",
    "axes.AccessAttempt": "sign-in attempts of the deployment",
    "axes.AccessLog": "sign-ins of the deployment",
    "axes.AccessFailureLog": "failed sign-ins of the deployment",
}
# Models that belong to no town; every other model's rows of the town are compared.
SHARED_MODELS = {
    "admin.LogEntry": "the admin's log of the requests themselves",
    "auth.Permission": "the deployment's permissions",
    "auth.Group": "the deployment's roles",
    "auth.Group_permissions": "the deployment's roles",
    "contenttypes.ContentType": "the deployment's models",
    "sessions.Session": "the requests' own sessions",
    "axes.AccessAttempt": "the requests' own sign-in attempts",
    "axes.AccessAttemptExpiration": "the requests' own sign-in attempts",
    "axes.AccessLog": "the requests' own sign-ins",
    "axes.AccessFailureLog": "the requests' own failed sign-ins",
    "django_tasks_database.DBTaskResult": "background tasks; what they write is compared",
    "plans.NationalPlanItem": "the national plan, shared by every town",
}
# Models whose town is a plain column rather than a relation.
TOWN_COLUMNS = {"plans.DataVersion": "town_id"}


# --- the two towns' data -------------------------------------------------------------


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


def furnish(base, key):
    """One object of ``key``'s town for every kind of URL argument, named with its label.

    Plans, each with items submitted in the round of YEAR: dx-1.0 (the world's; the
    other town has that slug too; its round open), <key>-only (its year locked) and
    <key>-published (its year published). So each write of a year has a year to act on.
    """
    town, label = base[key], LABEL[key]
    users = {role: base[f"{key}_{role}"] for role in ROLE_GROUPS}
    staff, manager = users["staff"], users["manager"]
    section = Section.objects.create(town=town, name=f"{label}だけの課")
    for user in users.values():
        user.staff_profile.sections.add(section)

    shared = base[f"{key}_plan"]
    shared.name = f"{label}だけの計画（共通の計画ID）"
    shared.save()
    first = base[f"{key}_item"]
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
    drafts = [
        first,
        _item(shared, code, f"{label}だけの取組（独自の番号）", shared.areas.first(), section),
        _item(own, "1", f"{label}だけの取組一", area, section),
        _item(own, code, f"{label}だけの取組九", area, section),
    ]
    kpi = Kpi.objects.create(item=drafts[-1], name=f"{label}だけの指標", unit="件")
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    for plan in (shared, own):
        services.open_round(plan, YEAR, deadline=deadline, user=manager)
    for item in drafts:
        actuals = {kpi: Decimal("7")} if item == kpi.item else None
        _rate_and_submit(item, staff, f"{label}の内部備考", f"{label}の内部メモ", actuals)
    entered = _item(shared, "2", f"{label}だけの取組（未提出）", shared.areas.first(), section)
    services.record_evaluation(
        entered, YEAR, status="achieved", evidence=f"{label}の内部メモ", user=staff
    )
    for number, code_of_item in (("一", "1"), ("九", code)):
        item = _item(
            published, code_of_item, f"{label}の公表取組{number}", published.areas.first(), section
        )
        _rate_and_submit(item, staff, f"{label}の公表備考", f"{label}の内部メモ")
    services.lock_year(own, YEAR, reason="テスト", user=manager)
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
        "plans": {"own": own, "published": published, "shared": shared},
        "section": section,
        "area": area,
        "job": job,
    }


@pytest.fixture
def towns(world):  # noqa: F811
    return {key: furnish(world, key) for key in ("nakai", "sapporo")}


URL_ARGUMENTS = {"slug", "year", "code", "number", "fmt", "job_id"}


def url_values(data):
    """{argument: [values]} naming ``data``'s town's objects, and the values only it has.

    The other town has dx-1.0, item 1 and areas 1–2 too: a URL that names only those
    reaches the other town's own objects, which is as it should be.
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
    only = {plans["own"].slug, plans["published"].slug, OWN_CODE[key], str(OWN_AREA)}
    return values, only | {str(data["job"].pk)}


# --- the URL patterns ----------------------------------------------------------------

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def url_patterns():
    """(route, pattern, is under i18n_patterns) of every URL pattern but the SKIPPED ones."""
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
    return [entry for entry in found if not entry[0].startswith(tuple(SKIPPED))]


def unhandled(route, entry):
    """Why the matrix cannot request this pattern, or None."""
    if not isinstance(entry.pattern, RoutePattern) or "(?" in route or "^" in route:
        return f"URL pattern {route!r} is a regular expression: give it a route, or a skip"
    missing = [m["name"] for m in PARAMETER.finditer(route) if m["name"] not in URL_ARGUMENTS]
    if missing:
        return (
            f"URL pattern {route!r} ({entry.lookup_str}) takes {missing}: add values of the "
            "other town's objects for it to url_values and URL_ARGUMENTS"
        )
    return None


def fill(route, kwargs):
    return "/" + PARAMETER.sub(lambda m: quote(kwargs[m["name"]], safe=""), route)


def every_url(values, only):
    """[(path, name, kwargs, names what only that town has, i18n)] for every pattern.

    The arguments' values are taken in turn, not multiplied: each value is requested at
    least once, and a route of several arguments pairs a slug only that town has with
    an item code both have, and the slug both have with a code only that town has.
    """
    patterns = url_patterns()
    problems = [problem for route, entry, _ in patterns if (problem := unhandled(route, entry))]
    assert problems == [], "\n".join(problems)
    urls = []
    for route, entry, i18n in patterns:
        names = [m["name"] for m in PARAMETER.finditer(route)]
        count = max((len(values[name]) for name in names), default=1)
        for n in range(count):
            kwargs = {name: values[name][n % len(values[name])] for name in names}
            path = fill(route, kwargs)
            assert resolve(path).route == route, f"{path} does not resolve to {route!r}"
            urls.append((path, entry.name, kwargs, bool(only & set(kwargs.values())), i18n))
    return urls


# --- what a response shows -----------------------------------------------------------


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


def sent_strings(path, query, data):
    """What a request sent, longest first: a page may echo it (「計画ID「…」はありません」)."""
    values = [unquote(part) for part in path.split("/")]
    for value in itertools.chain((query or {}).values(), (data or {}).values()):
        values.extend(value if isinstance(value, list) else [value])
    return sorted({str(value) for value in values if len(str(value)) > 1}, key=len, reverse=True)


def shown(response, markers, sent=()):
    """The markers a response shows, what the request itself sent aside."""
    text = body_text(response)
    for value in sent:
        for form in (value, html.escape(value), quote(value)):
            text = text.replace(form, "")
    return [marker for marker in markers if marker in text]


def markers_of(data, internal=False):
    """Strings of a town's data: all of it, or only what its own staff may read."""
    label = LABEL[data["key"]]
    usernames = [user.username for user in data["users"].values()]
    return [f"{label}の内部" if internal else label, *usernames]


# The deployment's comparison of towns: every town's published figures, on any host.
EVERY_TOWN_PAGES = ("/towns/",)


def is_every_town_page(path):
    prefixes = ["", *LANGUAGE_PREFIXES]
    return path.startswith(tuple(p + page for p in prefixes for page in EVERY_TOWN_PAGES))


def refused(response, path):
    """404, 403, 400 or 405; or off to the sign-in page, or from a translated URL to the
    Japanese one (a page in Japanese only): nothing was looked up."""
    if response.status_code in (400, 403, 404, 405):
        return True
    location = response.get("Location", "")
    japanese = [path.removeprefix(prefix) for prefix in LANGUAGE_PREFIXES]
    return response.status_code == 302 and (
        location.startswith("/accounts/login/") or location in japanese
    )


# --- the forms posted ----------------------------------------------------------------


class Forms:
    """What the site's forms post, naming one town's rows as that town's own pages would.

    Plausible enough that each write would go through if its lookup found the row: the
    current versions, the gaps the lock page shows, the items' ids, a future deadline.
    """

    def __init__(self, data, signs_in_as):
        self.data, self.signs_in_as, self.made = data, signs_in_as, {}

    def for_url(self, name, kwargs):
        """The form of a URL; without a slug, the plan both towns have, with this town's
        items by id (a plan of the requesting town's own, another town's items)."""
        key = (name, kwargs.get("slug"), kwargs.get("code"))
        if key not in self.made:
            self.made[key] = self._make(name, kwargs.get("slug"), kwargs.get("code"))
        return self.made[key]

    def _make(self, name, slug, code):
        plans = self.data["plans"]
        plan = next((p for p in plans.values() if p.slug == slug), plans["shared"])
        in_plan = ActionItem.objects.filter(plan=plan) if slug else ActionItem.objects
        items = list(in_plan.filter(plan__town=self.data["town"]).order_by("pk"))
        statuses = {
            status.item_id: status
            for status in YearlyStatus.objects.filter(item__in=items, fiscal_year=YEAR)
        }
        versions = {pk: status.version for pk, status in statuses.items()}
        tokens = [f"{item.pk}:{versions.get(item.pk, 0)}" for item in items]
        # The item one row's button moves: one the move applies to (提出: one not submitted).
        state = EvaluationState.ENTERED if name == "submit" else EvaluationState.SUBMITTED
        mover = next(
            (i for i in items if getattr(statuses.get(i.pk), "state", "") == state), items[0]
        )
        item = ActionItem.objects.with_code(plan, code).first() if code else mover
        version = versions.get(item.pk, 0) if item else 0
        if name == "year_report_edit":
            report = YearReport.objects.filter(plan=plan, fiscal_year=YEAR).first()
            version = report.version if report else 0
        gaps = LockYearForm.seen(year_completeness(plan, YEAR).gaps)
        return {
            # The round's moves (提出, 承認, 差戻し): items by id, as their buttons post them.
            "plan": plan.slug,
            "year": str(YEAR),
            "items": tokens,
            "only": f"{mover.pk}:{versions.get(mover.pk, 0)}",
            "confirmed": "1",
            # The status form.
            "status": "achieved",
            "comment": "テストで書き換えた備考",
            "evidence": "テストで書き換えたメモ",
            "version": str(version),
            # 確定, 解除, 公表, 公表取消 and the round's deadline.
            "reason": "テストの理由",
            "confirm": "on",
            **{field: str(value) for field, value in gaps.items()},
            "deadline": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
            # The year's report.
            "overview": "テストで書き換えた総評",
            "highlighted_items": [str(item.pk) for item in items],
            # The import's confirmation, and signing in.
            "token": self.data["job"].pk.hex,
            "username": self.signs_in_as.username,
            "password": PASSWORD,
        }


# --- the rows of a town --------------------------------------------------------------


def town_rows(town):
    """Every row of ``town`` in every model (all values: counts, versions, timestamps)."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if label in SHARED_MODELS:
            continue
        path = TOWN_COLUMNS.get(label) or town_path(model)
        if path is None:  # a model reached through its first relation to a town's model
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
            "or why it belongs to no town in SHARED_MODELS"
        )
        rows[label] = sorted(
            model._default_manager.filter(**{path: town.pk}).order_by("pk").values_list(),
            key=repr,
        )
    return rows


def changed_rows(before, after):
    """Per model, the rows added, removed or changed."""
    changes = {}
    for label in before:
        gone = [row for row in before[label] if row not in after[label]]
        new = [row for row in after[label] if row not in before[label]]
        if gone or new:
            changes[label] = {"before": gone, "after": new}
    return changes


# --- requests ------------------------------------------------------------------------


def signed_in_client(user):
    client = Client(raise_request_exception=False)  # a 500 is noted, not raised
    if user is not None:
        client.force_login(user)
    return client


class Probe:
    """One client's requests on one host, noting each 5xx, each of the other town's
    strings shown and each lookup of the other town's own objects not refused."""

    def __init__(self, client, host, markers, every_town_markers, user=None):
        self.client, self.host, self.user = client, host, user
        self.markers, self.every_town_markers = markers, every_town_markers
        self.problems, self.requests = {}, 0

    def request(self, method, path, *, query=None, data=None, only_theirs=False):
        send = self.client.get if method == "GET" else self.client.post
        response = send(path, query if method == "GET" else data, HTTP_HOST=self.host)
        self.requests += 1
        found = []
        if response.status_code >= 500:
            error = response.exc_info[1] if response.exc_info else None
            found.append(f"{response.status_code}: {error!r}")
        markers = self.every_town_markers if is_every_town_page(path) else self.markers
        if leaked := shown(response, markers, sent_strings(path, query, data)):
            found.append(f"{response.status_code} shows {leaked}")
        if only_theirs and not refused(response, path):
            answer = " ".join([str(response.status_code), response.get("Location", "")])
            found.append(f"{answer.strip()}: an object only the other town has, not refused")
        found.extend(self.check(response))
        if found:
            where = f"{method} {path}" + (f"?{urlencode(query, doseq=True)}" if query else "")
            self.problems[where] = found
        if self.user is not None and "_auth_user_id" not in self.client.session:
            self.client.force_login(self.user)  # signed out by the sign-out URL: back in
        return response

    def check(self, response):
        return []


class OtherHostProbe(Probe):
    """A session of one town on the other town's host: every request is anonymous there."""

    def check(self, response):
        user = response.wsgi_request.user
        if user.is_authenticated:
            return [f"{response.status_code}: signed in as {user.username} on this host"]
        return []


def warm_public_pages(urls, host):
    """The other town's public pages cached first: a cache key without the town shows it."""
    client = Client(raise_request_exception=False)
    for path, _name, _kwargs, only_theirs, i18n in urls:
        if (i18n or path.startswith("/api/")) and not only_theirs:
            client.get(path, HTTP_HOST=host)


def query_of(data, path):
    """The query parameters the pages read (?plan ?year ?section ?area ?state), naming
    the other town's rows: its own plan, its section's id, its area (id on the staff
    pages, name on the public ones and the API)."""
    area = data["area"]
    staff_page = path.startswith("/staff/")
    return {
        "plan": data["plans"]["own"].slug,
        "year": str(YEAR),
        "section": str(data["section"].pk),
        "area": str(area.pk) if staff_page else area.name,
        "state": "submitted",
    }


def request_every_url(probe, data, urls, forms):
    """GET and POST every URL; the URLs without arguments also with the query parameters;
    the public pages that look up the other town's own objects also in another language."""
    languages = itertools.cycle(LANGUAGE_PREFIXES)
    for path, name, kwargs, only_theirs, i18n in urls:
        probe.request("GET", path, only_theirs=only_theirs)
        probe.request("POST", path, data=forms.for_url(name, kwargs), only_theirs=only_theirs)
        if not kwargs:
            probe.request("GET", path, query=query_of(data, path))
        if i18n and (only_theirs or not kwargs):
            probe.request("GET", next(languages) + path, only_theirs=only_theirs)


def report(problems):
    return "\n".join(f"{where}: {found}" for where, found in problems.items())


# --- the tests -----------------------------------------------------------------------


def test_every_url_pattern_is_requested_or_skipped_with_a_reason():
    patterns = url_patterns()
    problems = [problem for route, entry, _ in patterns if (problem := unhandled(route, entry))]
    assert problems == []
    routes = {route for route, _, _ in patterns}
    assert {
        "staff/items/<str:slug>/<int:year>/<path:code>/",
        "imports/jobs/<uuid:job_id>/",
        "plans/<str:slug>/areas/<int:number>/",
        "api/v1/plans/<slug>/items/<path:code>",
    } <= routes
    assert any(i18n for _, _, i18n in patterns), "the public pages are under i18n_patterns"
    assert not any(route.startswith(tuple(SKIPPED)) for route in routes)


def test_no_role_of_one_town_reaches_the_other_towns_objects(towns, world):  # noqa: F811
    """Every role of 中井町 (and anonymous) × every URL, on 中井町's host, naming 札幌市's
    objects: no 5xx, nothing of 札幌市 shown, its own objects refused, its rows unchanged."""
    sapporo = towns["sapporo"]
    urls = every_url(*url_values(sapporo))
    warm_public_pages(urls, SAPPORO)
    forms = Forms(sapporo, signs_in_as=sapporo["users"]["staff"])
    markers = markers_of(sapporo)
    # The comparison of towns shows 札幌市's published figures by design; there only what
    # its staff alone may read must not show.
    every_town_markers = markers_of(sapporo, internal=True)
    problems, requests = {}, 0
    for role in ROLES:
        user = None if role == "anonymous" else world[f"nakai_{role}"]
        before = town_rows(sapporo["town"])
        probe = Probe(signed_in_client(user), NAKAI, markers, every_town_markers, user)
        request_every_url(probe, sapporo, urls, forms)
        requests += probe.requests
        problems |= {f"{role}: {where}": found for where, found in probe.problems.items()}
        if changes := changed_rows(before, town_rows(sapporo["town"])):
            problems[f"{role}: 札幌市's rows changed"] = changes
    assert len(urls) > 100 and requests > 5 * 250  # every URL, every role
    assert problems == {}, report(problems)


def test_a_session_of_one_town_is_anonymous_on_the_other_towns_host(towns, world):  # noqa: F811
    """By host: each role of 札幌市, signed in, requests every URL on 中井町's host naming
    中井町's own objects: it is no one there, sees nothing internal and changes nothing."""
    nakai, sapporo = towns["nakai"], towns["sapporo"]
    values, _ = url_values(nakai)
    # One URL per pattern is enough here: the session, not the object, is refused.
    values = {name: options[:1] for name, options in values.items()}
    urls = every_url(values, set())
    forms = Forms(nakai, signs_in_as=sapporo["users"]["staff"])
    markers = markers_of(nakai, internal=True)
    problems = {}
    before = town_rows(nakai["town"])
    for role in ROLE_GROUPS:
        user = world[f"sapporo_{role}"]
        client = signed_in_client(user)
        own = client.get("/staff/", HTTP_HOST=SAPPORO)  # a working session on its own host
        assert own.status_code == 302 and "/accounts/login/" not in own["Location"], role
        probe = OtherHostProbe(client, NAKAI, markers, markers, user)
        for path, name, kwargs, _, _ in urls:
            probe.request("GET", path)
            probe.request("POST", path, data=forms.for_url(name, kwargs))
        problems |= {f"{role}: {where}": found for where, found in probe.problems.items()}
    # The admin site answers on every host: 札幌市's admin is no one there either.
    user = world["sapporo_admin"]
    user.is_staff = True
    user.save()
    client = signed_in_client(user)
    assert client.get("/admin/", HTTP_HOST=SAPPORO).status_code == 200
    for path in (
        "/admin/",
        "/admin/plans/plan/",
        f"/admin/plans/plan/{nakai['plans']['own'].pk}/change/",
    ):
        response = client.get(path, HTTP_HOST=NAKAI)
        if not response.get("Location", "").startswith("/admin/login/"):
            problems[f"admin: GET {path}"] = [f"{response.status_code}: not the sign-in page"]
    if changes := changed_rows(before, town_rows(nakai["town"])):
        problems["中井町's rows changed"] = changes
    assert problems == {}, report(problems)


def test_the_matrix_sees_and_writes_on_the_towns_own_host(towns, world):  # noqa: F811
    """The controls of the matrix, by 札幌市's own manager and admin on 札幌市's host: its
    eyes find 札幌市's strings where they are (pages, JSON, CSV, Word, Excel, PDF), and the
    very forms it posts do write (each write is audited). So on 中井町's host nothing
    shown and nothing written is the site's refusal, not the test's blindness."""
    sapporo = towns["sapporo"]
    job = sapporo["job"].pk
    manager = signed_in_client(world["sapporo_manager"])
    assert "札幌" in shown(manager.get("/staff/items/", HTTP_HOST=SAPPORO), ["札幌"])
    for path in (
        "/staff/history/",
        "/staff/history/export.csv",
        "/plans/sapporo-only/report/2026/",
        "/plans/sapporo-only/report/2026/docx/",
        "/plans/sapporo-only/report/2026/xlsx/",
        "/plans/sapporo-only/report/2026/pdf/",
        "/imports/export/sapporo-only/",
    ):
        response = manager.get(path, HTTP_HOST=SAPPORO)
        assert response.status_code == 200, path
        assert "札幌の内部" in shown(response, markers_of(sapporo, internal=True)), path
    for path in ("/api/v1/plans/sapporo-published/years/2026/statuses", "/towns/"):
        assert shown(Client().get(path, HTTP_HOST=SAPPORO), ["札幌の公表"]), path
    admin_client = signed_in_client(world["sapporo_admin"])
    status = admin_client.get(f"/imports/jobs/{job}/status.json", HTTP_HOST=SAPPORO)
    assert status.status_code == 200 and status.json()["state"] == "checked"

    urls = every_url(*url_values(sapporo))
    forms = Forms(sapporo, signs_in_as=sapporo["users"]["staff"])
    audited = AuditEntry.objects.for_town(sapporo["town"])
    wrote = set()
    for path, name, kwargs, _, i18n in urls:
        if i18n and name != "year_report_edit" or path.startswith("/api/"):
            continue  # the public pages and the API read only
        with transaction.atomic():  # each write on 札幌市's data as furnished
            count = audited.count()
            admin_client.post(path, forms.for_url(name, kwargs), HTTP_HOST=SAPPORO)
            if audited.count() > count:
                wrote.add(name)
            transaction.set_rollback(True)
    assert WRITES <= wrote


# The views the matrix's forms are known to write through (the control above). Not
# open_round: with one fiscal year in the URLs, its round is open or its year locked.
WRITES = {
    "edit_status",
    "send_back",
    "submit",
    "approve",
    "change_deadline",
    "close_round",
    "lock_year",
    "unlock_year",
    "publish_year",
    "unpublish_year",
    "year_report_edit",
}


def admin_object(model, town):
    """The newest row of ``town`` of an admin-registered model (a plan's: one only it has)."""
    if model is Town:
        return town
    path = town_path(model)
    return model._default_manager.filter(**{path: town.pk}).order_by("-pk").first()


def admin_form_data(obj):
    """The object's own values as its change form would post them, its text rewritten."""
    data = {"_save": "保存"}
    for name, value in model_to_dict(obj).items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        elif value is not None and not hasattr(value, "read"):
            data[name] = str(getattr(value, "pk", value))
    for field in obj._meta.concrete_fields:
        if field.get_internal_type() in ("CharField", "TextField") and field.name in data:
            if not field.choices and field.name not in ("password", "code", "slug"):
                data[field.name] = "中井町が書き換えた値"
    return data


def autocomplete_urls():
    """The admin's autocomplete lookups: each autocomplete field of each admin and inline."""
    urls = []
    for model_admin in admin.site._registry.values():
        for owner in [model_admin, *model_admin.inlines]:
            meta = owner.model._meta
            for field in owner.autocomplete_fields:
                query = urlencode(
                    {
                        "app_label": meta.app_label,
                        "model_name": meta.model_name,
                        "field_name": field,
                    }
                )
                urls.append(f"/admin/autocomplete/?{query}&term=")
    return urls


@pytest.fixture
def town_admin_client(world):  # noqa: F811
    user = world["nakai_admin"]
    user.is_staff = True  # the admin site is for 管理者 (actions.services.accounts)
    user.save()
    return signed_in_client(user)


def test_the_admin_refuses_the_other_towns_rows(towns, town_admin_client):
    """中井町's admin asks the admin site for 札幌市's row of every registered model by
    id: its change, history and delete pages are refused, the posts change nothing, and
    no list, add page or autocomplete shows 札幌市's data."""
    sapporo = towns["sapporo"]
    town, client = sapporo["town"], town_admin_client
    markers = markers_of(sapporo)
    problems = {}
    before = town_rows(town)

    def note(method, path, response, allowed):
        leaked = shown(response, markers)
        if response.status_code not in allowed or leaked:
            error = f" {response.exc_info[1]!r}" if response.exc_info else ""
            shows = f" shows {leaked}" if leaked else ""
            problems[f"{method} {path}"] = f"{response.status_code}{error}{shows}"

    for path in autocomplete_urls():
        note("GET", path, client.get(path, HTTP_HOST=NAKAI), (200, 403))
    for model in sorted(admin.site._registry, key=lambda model: model._meta.label):
        label, meta = model._meta.label, model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        for path in (base, f"{base}add/"):
            note("GET", path, client.get(path, HTTP_HOST=NAKAI), (200, 302, 403))
        if label in SHARED_ADMIN_MODELS:
            continue
        obj = admin_object(model, town)
        if obj is None:
            problems[label] = "no row of 札幌市: create one in furnish, or name it shared"
            continue
        pk = quote(str(obj.pk), safe="")
        for page in ("change", "history", "delete"):
            path = f"{base}{pk}/{page}/"
            note("GET", path, client.get(path, HTTP_HOST=NAKAI), (302, 403, 404))
        for page, data in (("change", admin_form_data(obj)), ("delete", {"post": "yes"})):
            path = f"{base}{pk}/{page}/"
            note("POST", path, client.post(path, data, HTTP_HOST=NAKAI), (302, 403, 404))
    if changes := changed_rows(before, town_rows(town)):
        problems["札幌市's rows changed"] = changes
    assert problems == {}, report(problems)


def test_the_admins_view_on_site_link_names_no_row_of_the_other_town(towns, town_admin_client):
    """/admin/r/<content type>/<id>/ of 札幌市's rows, asked by 中井町's admin: refused, not
    a redirect to the row's page (which names 札幌市's plan slug and item code)."""
    town = towns["sapporo"]["town"]
    problems = {}
    for model in admin.site._registry:
        obj = admin_object(model, town) if hasattr(model, "get_absolute_url") else None
        if obj is None or model._meta.label in SHARED_ADMIN_MODELS:
            continue
        path = f"/admin/r/{ContentType.objects.get_for_model(model).pk}/{obj.pk}/"
        response = town_admin_client.get(path, HTTP_HOST=NAKAI)
        if obj.get_absolute_url() in response.get("Location", ""):
            problems[f"GET {path}"] = (
                f"{response.status_code} to {response['Location']}: 札幌市's {model._meta.label}"
            )
    assert problems == {}, report(problems)
