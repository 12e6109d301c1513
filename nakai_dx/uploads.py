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

import os
import tempfile

from django.contrib.auth import get_user
from django.contrib.auth.views import redirect_to_login
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, TemporaryFileUploadHandler
from django.http import HttpResponseNotAllowed
from django.urls import reverse

from actions.imports.jobs import work_directory

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
            if request.path_info.startswith("/api/"):  # read-only: nothing to sign in for
                return HttpResponseNotAllowed(["GET", "OPTIONS"])
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class PrivateTemporaryUploadedFile(TemporaryUploadedFile):
    """Django's spooled upload, in WORK_DIR/uploads (made 0700 when first needed).

    Not FILE_UPLOAD_TEMP_DIR: Django's checks want that directory to exist
    when any command starts, and a command run as root (migrate, collectstatic)
    would then make the app's private directory root's.
    """

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        _, extension = os.path.splitext(name)
        file = tempfile.NamedTemporaryFile(
            suffix=".upload" + extension, dir=work_directory("uploads")
        )
        UploadedFile.__init__(self, file, name, content_type, size, charset, content_type_extra)


class PrivateTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's handler for large uploads, spooling to the private work directory."""

    def new_file(self, *args, **kwargs):
        FileUploadHandler.new_file(self, *args, **kwargs)
        self.file = PrivateTemporaryUploadedFile(
            self.file_name, self.content_type, 0, self.charset, self.content_type_extra
        )
