"""Uploaded files: never read for an anonymous request, never spooled to a shared directory.

A multipart body is parsed (and a file over FILE_UPLOAD_MAX_MEMORY_SIZE
written to disk) the first time anything reads ``request.POST``, which the
CSRF middleware does before any view can refuse. Nobody may upload without
signing in, so such a request is sent to the sign-in page from the session
alone, before its body is touched (the sign-in pages themselves take a small
multipart form, as some clients send one). A signed-in upload that does not fit in
memory is spooled to the app's private work directory (WORK_DIR/uploads,
0700), not to the shared /tmp.
"""

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.views import redirect_to_login
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.urls import reverse

from actions.imports.jobs import private_directory

# A sign-in form is a few hundred bytes, whatever its encoding.
SIGN_IN_MAX_BYTES = 64 * 1024


def _is_upload(request):
    return request.method == "POST" and request.content_type == "multipart/form-data"


def _content_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return SIGN_IN_MAX_BYTES + 1


def _may_post_anonymously(request):
    """The sign-in pages (a client may send their form as multipart too), and only small."""
    sign_in = {reverse("login"), reverse("admin:login")}
    return request.path_info in sign_in and _content_length(request) <= SIGN_IN_MAX_BYTES


class RefuseAnonymousUploadsMiddleware:
    """Between SessionMiddleware and CsrfViewMiddleware: the session is known, the body unread."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            _is_upload(request)
            and not _may_post_anonymously(request)
            and not get_user(request).is_authenticated
        ):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class PrivateTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's handler for large uploads, into FILE_UPLOAD_TEMP_DIR made private first."""

    def new_file(self, *args, **kwargs):
        private_directory(settings.FILE_UPLOAD_TEMP_DIR)
        super().new_file(*args, **kwargs)
