"""Requests no page can answer meaningfully: refused here before any view (a NUL byte), or
given a Japanese page where Django answers with an empty body (a GET on a POST-only address).

A NUL byte in the path, a query parameter or a posted form field cannot be
stored or looked up (PostgreSQL refuses it in any text value, so a query
built from it is a server error). The request gets a 400 page in Japanese.
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

NUL = "\x00"


def _has_nul(query):
    return any(NUL in key or any(NUL in value for value in values) for key, values in query.lists())


def carries_nul(request):
    if NUL in request.path:
        return True
    if _has_nul(request.GET):
        return True
    # Form fields, not uploaded files (CsrfViewMiddleware parses the body here anyway).
    return request.method == "POST" and _has_nul(request.POST)


class RefuseNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if carries_nul(request):
            return render(
                request,
                "400.html",
                {"message": "アドレスまたは入力に使えない文字（NUL）が含まれています。"},
                status=400,
            )
        return self.get_response(request)


# Where a page that only takes a form's POST sends someone who opened its address:
# the page holding that form. The first matching prefix wins.
BACK_PAGES = [
    ("/staff/years/", "actions:years", "年度の確定・公表"),
    ("/staff/round/", "actions:progress", "進捗状況"),
    ("/staff/progress/", "actions:progress", "進捗状況"),
    ("/staff/approvals/", "actions:approvals", "承認待ち"),
    ("/staff/", "actions:my_items", "担当の取組"),
    ("/imports/", "imports:index", "一括取込・エクスポート"),
]


def back_page(request):
    """(url, label) of the page whose form posts to this address, or None."""
    if not request.user.is_authenticated:
        return None
    for prefix, name, label in BACK_PAGES:
        if request.path.startswith(prefix):
            return reverse(name), label
    return None


def referring_page(request):
    """The page the link was on, if it is one of ours."""
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None


class MethodNotAllowedPageMiddleware:
    """A 405 (a GET on an address that only takes a form's POST: …/unlock/, logout) is a
    Japanese page with the way back, like every other error; Django's own is empty."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.method == "HEAD":
            return response
        page = render(
            request,
            "405.html",
            {"back": back_page(request), "referer": referring_page(request)},
            status=405,
        )
        page["Allow"] = response.get("Allow", "")
        return page
