"""Where a ``next`` parameter may send a request: only a path on this site.

Every view that takes ``next`` (the status form, submit and approve, the
send-back page, sign-in and sign-out) asks here. ``redirect()`` reads a bare
word such as ``0`` or ``x`` as a URL name (NoReverseMatch: a 500 after the
change has committed) and another host as an open redirect; anything that is
not a path of this site falls back to the view's default page.
"""

from django.utils.http import url_has_allowed_host_and_scheme


def is_same_site_path(target, request):
    """Whether ``target`` is a path on this site ("/staff/items/?year=2026")."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return False
    if any(char in target for char in "\\\r\n\t") or not target.isprintable():
        return False
    return url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request, default):
    """The request's ``next`` (form field first, then query) if it is a same-site path."""
    target = request.POST.get("next") or request.GET.get("next")
    return target if is_same_site_path(target, request) else default
