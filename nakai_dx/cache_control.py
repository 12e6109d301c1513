"""Pages a signed-in session sees are kept out of every cache: ``Cache-Control: private, no-store``.

They carry a colleague's drafts, internal notes, names and, once, initial
passwords; a shared proxy, the browser's disk cache or its back button must
not keep them after the session ends. Anonymous pages stay cacheable (the
public dashboard is served from reports.cache and may be cached downstream).
"""

from django.conf import settings
from django.utils.cache import patch_cache_control


class SignedInNoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME not in request.COOKIES and not _signed_in_now(request):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


def _signed_in_now(request):
    """The sign-in request itself: its session cookie goes out with this response."""
    session = getattr(request, "session", None)
    return session is not None and session.modified
