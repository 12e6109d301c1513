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
from functools import lru_cache, wraps

from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.urls import Resolver404, resolve
from django.utils import translation

from plans.versions import for_request as request_versions
from plans.versions import request_scope

TIMEOUT = 24 * 60 * 60  # a safety net only: keys change with the data
SESSION_COOKIES = ("sessionid", "messages")


def _rule_key(rule):
    return (
        f"{int(rule.undeterminable_in_denominator)}{rule.partial_weight}{int(rule.count_listings)}"
    )


def achievements(plan, fiscal_years, rule=None):
    """compute_achievements through the cache: each year kept under its own versions."""
    from reports.achievement import Rule, compute_achievements

    rule = rule or Rule.from_settings()
    versions = request_versions()
    years = sorted(set(fiscal_years))
    keys = {
        year: f"achievement:{plan.pk}:{year}:{versions.of(plan, year)}:{_rule_key(rule)}"
        for year in years
    }
    found = cache.get_many(list(keys.values())) if years else {}
    results = {year: found[key] for year, key in keys.items() if key in found}
    missing = [year for year in years if year not in results]
    if missing:
        computed = compute_achievements(plan, missing, rule=rule)
        for result in computed.values():
            result.plan = plan
        cache.set_many({keys[year]: computed[year] for year in missing}, TIMEOUT)
        results.update(computed)
    for result in results.values():
        result.plan = plan
    return results


def achievement(plan, fiscal_year, rule=None):
    return achievements(plan, [fiscal_year], rule=rule)[fiscal_year]


def by_section(plan, fiscal_year):
    from reports.achievement import Rule, compute_by_section

    rule = Rule.from_settings()
    key = (
        f"by-section:{plan.pk}:{fiscal_year}:"
        f"{request_versions().of(plan, fiscal_year)}:{_rule_key(rule)}"
    )
    return cache.get_or_set(key, lambda: compute_by_section(plan, fiscal_year, rule=rule), TIMEOUT)


def evaluated_years(plan):
    """actions.tallies.evaluated_years, kept until any of the plan's data changes."""
    from actions import tallies

    key = f"evaluated-years:{plan.pk}:{request_versions().of_all(plan)}"
    return cache.get_or_set(key, lambda: tallies.evaluated_years(plan), TIMEOUT)


def plans():
    """Every plan (as Plan.objects.all() lists them), kept until any data changes."""
    from plans.models import Plan

    key = f"plans:{request_versions().everything}"
    return cache.get_or_set(key, lambda: list(Plan.objects.all()), TIMEOUT)


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


def public_page(view):
    """Keep the view's responses to anonymous readers whole: they are the same for all of them."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if not request.user.is_authenticated:
            response.public_page = True
        return response

    wrapper.public_page = True
    return wrapper


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
            if not self._may_serve(request):
                return self.get_response(request)
            key = self._key(request)
            cached = cache.get(key)
            if cached is not None:
                return cached
            response = self.get_response(request)
            if (
                getattr(response, "public_page", False)
                and response.status_code == 200
                and not response.streaming
                and not response.cookies
            ):
                # The response pickles whole: no header is converted again on a hit.
                cache.set(key, response, TIMEOUT)
            return response

    def _may_serve(self, request):
        if request.method != "GET" or any(c in request.COOKIES for c in SESSION_COOKIES):
            return False
        return _is_public_page(request.path_info)

    def _key(self, request):
        versions = request_versions()
        accepts = request.META.get("HTTP_ACCEPT_ENCODING", "")
        parts = (
            request.get_host(),  # refuses a host not in ALLOWED_HOSTS before anything is served
            request.get_full_path(),
            translation.get_language_from_request(request),
            "gzip" if "gzip" in accepts else "",
        )
        digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
        return f"page:{versions.everything}:{digest}"


@lru_cache(maxsize=4096)
def _is_public_page(path):
    """Whether the view of a path is a ``public_page`` one (remembered: resolving shows)."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "public_page", False)
