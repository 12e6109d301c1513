"""ETag and Last-Modified for the API, from the data versions (plans.versions), and 304.

The tag of a response is a digest of its URL and of the versions of the data the
API can show: what every plan shows, each plan's own data, and each published
year. A write to a year that is not published changes none of them, so polling
clients learn nothing of drafts. The versions carry no time, so Last-Modified is
the time this server first answered with that set of versions (kept in the
cache): never earlier than the change itself, so If-Modified-Since is safe.
"""

import hashlib
import time
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from actions.models import EvaluationYear
from plans.versions import EVERYTHING, PLAN_DATA
from plans.versions import for_request as request_versions
from reports.achievement import rule_for

API_VERSION = "1"
FIRST_SEEN_TIMEOUT = 30 * 24 * 60 * 60
BODY_TIMEOUT = 24 * 60 * 60  # a safety net only: the key changes with the data


def published_state(request):
    """A digest of the versions of everything the API shows of the request's town."""
    published = set(
        EvaluationYear.objects.for_town(getattr(request, "town", None))
        .published()
        .values_list("plan_id", "fiscal_year")
    )
    rows = request_versions().rows
    shown = sorted(
        (key, version)
        for key, version in rows.items()
        if key[1] == PLAN_DATA or key[0] == EVERYTHING or key in published
    )
    # The achievement rule decides the figures too, as in reports.cache's keys: the request's
    # town's (a change of a town's own rule is a save of the town, which changes the versions).
    rule = repr(rule_for(getattr(request, "town", None)))
    text = repr((sorted(published), shown, rule))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


class Stamp:
    def __init__(self, request):
        state = published_state(request)
        # The host too: the documents carry absolute URLs, and towns have their own host names.
        where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        digest = hashlib.sha256(f"{API_VERSION}\n{state}\n{where}".encode()).hexdigest()[:32]
        self.etag = f'"{digest}"'
        key = f"api-first-seen:{state}"
        cache.add(key, int(time.time()), FIRST_SEEN_TIMEOUT)
        self.last_modified = cache.get(key) or int(time.time())

    @property
    def body_key(self):
        return f"api-body:{self.etag}"

    def keep(self, response):
        cache.set(self.body_key, (response.content, response["Content-Type"]), BODY_TIMEOUT)

    def kept(self):
        found = cache.get(self.body_key)
        if found is None:
            return None
        content, content_type = found
        return self.apply(HttpResponse(content, content_type=content_type))

    def apply(self, response):
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified)
        # Shared caches may keep it, and must ask again (cheaply, with the tag) before reuse.
        response["Cache-Control"] = "public, no-cache"
        return response


def conditional(view):
    """Answer 304 when the client's tag or date is current; tag every other answer."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        stamp = Stamp(request)
        not_modified = get_conditional_response(
            request, etag=stamp.etag, last_modified=stamp.last_modified
        )
        if not_modified is not None:
            return stamp.apply(not_modified)
        kept = stamp.kept()
        if kept is not None:
            return kept
        request.api_stamp = stamp
        return view(request, *args, **kwargs)

    return wrapper
