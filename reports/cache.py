"""Cached figures and whole public pages, keyed by the versions of the data they show.

The achievement engine's results for a plan and year, its figures by 担当課 and
the plan's evaluated years are kept in Django's cache (local memory, or Redis
when REDIS_URL is set) under keys made of the data versions they depend on
(plans.versions). A write changes those versions in its own transaction, so a
changed figure is never served from the cache; there is nothing to delete.

A public page is the same for every anonymous reader, so
PublicPageCacheMiddleware keeps the whole response of the pages a view marks
with ``public_page`` and serves it again to readers without a session, until
any version changes.
"""

import hashlib
import re
from functools import lru_cache, wraps

from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import Context
from django.template.loader import get_template
from django.urls import Resolver404, resolve
from django.utils import translation

from plans import versions as data_versions
from plans.towns import host_name
from plans.versions import for_request as request_versions
from plans.versions import request_scope
from reports import freshness

TIMEOUT = 24 * 60 * 60  # a safety net only: keys change with the data
SESSION_COOKIES = ("sessionid", "messages")


def achievements(plan, fiscal_years, rule=None):
    """compute_achievements through the cache: each year kept under its own versions."""
    found = achievements_of_plans([(plan, year) for year in fiscal_years], rule=rule)
    return {year: found[(plan.pk, year)] for year in sorted(set(fiscal_years))}


def achievement(plan, fiscal_year, rule=None):
    return achievements(plan, [fiscal_year], rule=rule)[fiscal_year]


def achievements_of_plans(plan_years, rule=None):
    """{(plan_id, year): Achievement} of many (plan, year) pairs through the cache: one read
    of the cache for them all, and one computation (reports.achievement.compute_for_plans)
    of those it does not hold.

    Each is kept under the versions of its plan and year and under its rule (the plan's
    town's, or ``rule``): a write or a change of the town's rule changes the key.
    """
    from reports.achievement import compute_for_plans, rules_of

    versions = request_versions()
    pairs = list(dict.fromkeys((plan, int(year)) for plan, year in plan_years))
    rules = rules_of({plan.pk: plan for plan, _year in pairs}.values(), rule)
    keys = {}
    for plan, year in pairs:
        keys[(plan.pk, year)] = (
            f"achievement:{plan.pk}:{year}:{versions.of(plan, year)}:{rules[plan.pk].key}"
        )
    found = cache.get_many(list(keys.values())) if keys else {}
    results = {pair: found[key] for pair, key in keys.items() if key in found}
    missing = [(plan, year) for plan, year in pairs if (plan.pk, year) not in results]
    if missing:
        computed = compute_for_plans(missing, rule=rule)
        cache.set_many({keys[pair]: result for pair, result in computed.items()}, TIMEOUT)
        results.update(computed)
    plans = {plan.pk: plan for plan, _year in pairs}
    for (plan_id, _year), result in results.items():
        result.plan = plans[plan_id]
    return results


def by_section(plan, fiscal_year):
    from reports.achievement import compute_by_section, rules_of

    rule = rules_of([plan])[plan.pk]
    key = (
        f"by-section:{plan.pk}:{fiscal_year}:{request_versions().of(plan, fiscal_year)}:{rule.key}"
    )
    return cache.get_or_set(key, lambda: compute_by_section(plan, fiscal_year, rule=rule), TIMEOUT)


def evaluated_years(plan):
    """actions.tallies.evaluated_years, kept until any of the plan's data changes."""
    from actions import tallies

    key = f"evaluated-years:{plan.pk}:{request_versions().of_all(plan)}"
    return cache.get_or_set(key, lambda: tallies.evaluated_years(plan), TIMEOUT)


def plans(town):
    """A town's plans (as Plan.objects.for_town lists them), kept until any data changes."""
    from plans.models import Plan

    def town_plans():
        found = list(Plan.objects.for_town(town))
        for plan in found:
            plan.town = town  # its rule (reports.achievement.rule_for) without a query
        return found

    key = f"plans:{getattr(town, 'pk', None)}:{request_versions().everything}"
    return cache.get_or_set(key, town_plans, TIMEOUT)


def area(plan, number):
    """The plan's priority area of that number (None if there is none), kept with the plan's data."""
    from plans.models import PriorityArea

    key = f"areas:{plan.pk}:{request_versions().of(plan)}"
    areas = cache.get_or_set(
        key, lambda: {area.number: area for area in PriorityArea.objects.filter(plan=plan)}, TIMEOUT
    )
    found = areas.get(number)
    if found is not None:
        found.plan = plan
    return found


def published_years(plan):
    """The plan's published fiscal years, kept until any of the plan's data changes."""
    from actions.models import EvaluationYear

    key = f"published-years:{plan.pk}:{request_versions().of_all(plan)}"
    return cache.get_or_set(key, lambda: EvaluationYear.objects.published_years(plan), TIMEOUT)


def publication_notes(plan):
    """{fiscal year: reason} of the plan's years published with unrated items (cached like
    published_years)."""
    from actions.models import EvaluationYear

    key = f"publication-notes:{plan.pk}:{request_versions().of_all(plan)}"
    return cache.get_or_set(key, lambda: EvaluationYear.objects.publication_notes(plan), TIMEOUT)


def fragment_key(request):
    """The key of a page's rendered main content ({% cache %} in its template).

    The content depends on the URL, on whether the reader sees internal data
    and drafts, and on the data: call this first in the view, so the versions
    are read before the data they key.
    """
    from actions.permissions import can_view_internal

    user = request.user
    audience = (
        "internal"
        if can_view_internal(user)
        else "signed-in"
        if user.is_authenticated
        else "public"
    )
    parts = (
        str(getattr(getattr(request, "town", None), "pk", None)),
        request.get_full_path(),
        audience,
        translation.get_language(),
        str(request_versions().everything),
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


class Fragment:
    """A page's rendered main content, kept by its template's {% cache name fragment.key %}.

    The view reads it first and computes figures and charts only when it is
    not there; ``html`` is None until then.
    """

    def __init__(self, name, request):
        self.key = fragment_key(request)
        self.html = cache.get(make_template_fragment_key(name, [self.key]))


# --- whole pages ----------------------------------------------------------------------


# A signed-in reader's own part of a page: the sign-out form (their name, a CSRF token), and
# the CSRF token of any other form. The rest is the same for everyone with the same roles.
ACCOUNT_FORM = re.compile(r"<form [^>]*\bdata-account>.*?</form>", re.S)
CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
ACCOUNT_MARK = "\x00account\x00"
CSRF_MARK = "\x00csrf\x00"


def signed_in_page(view):
    """Keep a signed-in reader's page whole, for everyone with the same roles, until any
    version changes; fill in the reader's own part (ACCOUNT_FORM, CSRF_VALUE) each time.

    For views whose content depends on the reader only through their roles (the main
    content a Fragment, keyed by audience). Not for downloads (``_export``), nor while
    the reader has messages waiting: those pages are made for them alone.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            not request.user.is_authenticated
            or "_export" in request.GET
            or "messages" in request.COOKIES
            or "_messages" in request.session
        ):
            return view(request, *args, **kwargs)
        key = _signed_in_key(request)
        stored = cache.get(key)
        if stored is not None:
            content_type, template = stored
            return HttpResponse(_filled(template, request), content_type=content_type)
        response = view(request, *args, **kwargs)
        queued = getattr(getattr(request, "_messages", None), "_queued_messages", None)
        if (
            response.status_code == 200
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and not queued
        ):
            html = response.content.decode(response.charset)
            template, forms = ACCOUNT_FORM.subn(ACCOUNT_MARK, html, count=1)
            if forms == 1:
                template = CSRF_VALUE.sub(rf"\g<1>{CSRF_MARK}\g<2>", template)
                cache.set(key, (response["Content-Type"], template), TIMEOUT)
        return response

    return wrapper


def _signed_in_key(request):
    from actions.permissions import role_key

    parts = (
        fragment_key(request),  # the town, the address, the audience, the language, the data
        request.scheme,
        request.get_host(),  # the page's own absolute addresses (hreflang alternates)
        *role_key(request.user),  # the staff menu
    )
    return "signed-in-page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _filled(template, request):
    token = get_token(request)
    account = get_template("includes/account_form.html").template.render(
        Context({"user": request.user, "csrf_token": token}, autoescape=True)
    )
    return template.replace(ACCOUNT_MARK, account).replace(CSRF_MARK, token)


def public_page(view=None, *, query=None, every_town=False):
    """Keep the view's responses to anonymous readers whole: they are the same for all of them.

    ``query`` names the parameters the view reads, each with the function that
    puts its value in one spelling (``None``: the parameter is dropped). Every
    other parameter is dropped before the view runs (PublicPageCacheMiddleware),
    so ``?utm_source=…`` or a cache-buster is the same page, from the same cache
    entry. ``query["_export"]`` marks a download: anonymous readers are limited
    to EXPORT_RATE_LIMIT of them per minute (export_refused). ``every_town``: the
    page shows every town's figures, so it is keyed by every town's versions
    (other pages by their own town's only).
    """
    if view is None:
        return lambda view: public_page(view, query=query, every_town=every_town)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if every_town:
            data_versions.serve_every_town()
        if (
            not request.user.is_authenticated
            and "_export" in request.GET
            and not getattr(request, "export_counted", False)
        ):
            refused = export_refused(request)  # a session cookie of no one: counted here
            if refused:
                return refused
        response = view(request, *args, **kwargs)
        if not request.user.is_authenticated:
            response.public_page = True
        return response

    wrapper.public_page = True
    wrapper.public_query = dict(query or {})
    wrapper.every_town = every_town
    return wrapper


# --- the parameters of public pages -------------------------------------------------------


def as_given(value):
    """A parameter whose other spellings the view refuses (404, 400): never kept as a page."""
    return value


def fiscal_year(value):
    """令和7年度, R7, 2025 … as 2025; what does not read as a year goes on to the view's 404."""
    from plans import wareki

    try:
        return str(wareki.parse_fiscal_year(value))
    except wareki.WarekiError:
        return value


def one_of(*choices):
    def normalise(value):
        return value if value in choices else None

    return normalise


def number(low, high):
    """An integer clamped to low..high (a page past the end shows the last one anyway)."""

    def normalise(value):
        try:
            found = int(value)
        except ValueError:
            return None
        return str(min(max(found, low), high))

    return normalise


def canonical_query(request, accepted):
    """The query string of only the accepted parameters, each in one spelling, sorted."""
    from django.http import QueryDict

    canonical = QueryDict(mutable=True)
    for name in sorted(accepted):
        if name in request.GET:
            value = accepted[name](request.GET[name])
            if value is not None:
                canonical[name] = value
    return canonical


# --- downloads for anonymous readers ------------------------------------------------------


def export_refused(request):
    """A 429 page (Retry-After) if this client has asked for more downloads than the limit.

    The limit (EXPORT_RATE_LIMIT downloads a minute, per client address as
    nakai_dx.proxy sets it; 0 turns it off) is counted in the cache: per process
    with the local memory cache, shared by all with Redis (REDIS_URL).
    """
    from django.conf import settings
    from django.http import HttpResponse
    from django.shortcuts import render
    from django_ratelimit.core import is_ratelimited

    request.export_counted = True
    limit = settings.EXPORT_RATE_LIMIT
    if limit <= 0 or not is_ratelimited(
        request, group="public-export", key="ip", rate=f"{limit}/m", increment=True
    ):
        return None
    # Refusing must cost less than what it refuses: the page, the same for every
    # anonymous client, is rendered once per process and limit.
    if _refusals.get(limit) is None:
        _refusals[limit] = render(
            request, "reports/too_many_requests.html", {"limit": limit, "retry_after": 60}
        ).content
    response = HttpResponse(_refusals[limit], status=429)
    response["Retry-After"] = "60"
    return response


_refusals = {}


def export(key_parts, build):
    """A download's (content, content type), built once per version of the data it shows.

    ``key_parts`` names what changes the file (the plan and year's versions, the
    area, the order, the format); ``build`` makes it.
    """
    digest = hashlib.sha256("\n".join(map(str, key_parts)).encode()).hexdigest()[:32]
    return cache.get_or_set(f"export:{digest}", build, TIMEOUT)


class PublicPageCacheMiddleware:
    """Serve the pages of ``public_page`` views from the cache to readers without a session.

    Sits outside GZipMiddleware (the compressed body is kept, per encoding) and
    inside SecurityMiddleware and WhiteNoise. A reader with a session or
    messages cookie always gets a freshly made page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            view = _public_view(request.path_info) if request.method == "GET" else None
            if view is None:
                return self.get_response(request)
            self._keep_known_parameters(request, view.public_query)
            # The page's town and its versions as their stamp has them (no query while
            # they are unchanged), for signed-in readers too (their pages: signed_in_page).
            town_id = self._use_versions(request, view)
            if town_id is False:  # a host of no town: the list of towns, never kept
                return self.get_response(request)
            if any(c in request.COOKIES for c in SESSION_COOKIES):
                return self.get_response(request)
            if "_export" in request.GET:
                refused = export_refused(request)
                if refused:
                    return refused
            key = self._key(request)
            cached = cache.get(key)
            if cached is not None:
                return cached
            response = self.get_response(request)
            if (
                town_id is not None
                and getattr(getattr(request, "town", None), "pk", None) != town_id
            ):
                # The host serves another town than this process last found: find it again.
                freshness.forget_host(host_name(request))
                return response
            if (
                getattr(response, "public_page", False)
                and response.status_code == 200
                and not response.streaming
                and not response.cookies
            ):
                # The response pickles whole: no header is converted again on a hit.
                cache.set(key, response, TIMEOUT)
            return response

    @staticmethod
    def _use_versions(request, view):
        """Key the request by its town's versions (every town's for such a page).

        The town's key, None for every town, or False for a host that serves no town.
        A town looked up here is handed on to plans.towns.TownMiddleware.
        """
        if view.every_town:
            data_versions.serve_every_town()
            data_versions.use(freshness.every_town_versions())
            return None
        versions, found = freshness.town_versions(host_name(request))
        if found is not None:
            request.found_town = found
        if versions is None:
            return False
        data_versions.use(versions)
        return versions.town_id

    @staticmethod
    def _keep_known_parameters(request, accepted):
        """The view sees, and the keys are made of, only the parameters it reads."""
        query = canonical_query(request, accepted)
        text = query.urlencode()
        if text != request.META.get("QUERY_STRING", ""):
            query._mutable = False
            request.GET = query
            request.META["QUERY_STRING"] = text

    def _key(self, request):
        versions = request_versions()
        accepts = request.META.get("HTTP_ACCEPT_ENCODING", "")
        parts = (
            request.get_host(),  # refuses a host not in ALLOWED_HOSTS before anything is served
            request.get_full_path(),
            translation.get_language(),
            "gzip" if "gzip" in accepts else "",
        )
        digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
        return f"page:{versions.everything}:{digest}"


@lru_cache(maxsize=4096)
def _public_view(path):
    """The ``public_page`` view of a path, or None (remembered: resolving shows)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.func if getattr(match.func, "public_page", False) else None
