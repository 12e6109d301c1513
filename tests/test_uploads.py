"""Uploads: an anonymous one is refused before its body is read; large ones spool privately."""

import os
import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import (
    SimpleUploadedFile,
    TemporaryUploadedFile,
    UploadedFile,
)
from django.http import multipartparser
from django.urls import reverse

from tests.actions.staff_users import make_user

BIG = 3 * 1024 * 1024  # over FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): Django spools it to disk


def _csv_upload(size=BIG):
    line = b"\xe8\xa8\x88\xe7\x94\xbbID,a\n"
    return SimpleUploadedFile("big.csv", line * (size // len(line)), content_type="text/csv")


@pytest.fixture
def parses(monkeypatch):
    """Every multipart body Django parses, by path."""
    parsed = []
    original = multipartparser.MultiPartParser.parse

    def recording(self):
        parsed.append(self._meta.get("PATH_INFO"))
        return original(self)

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", recording)
    return parsed


@pytest.fixture
def spooled(monkeypatch):
    """The paths Django (or this project's handler) spooled uploaded files to."""
    paths = []
    original = UploadedFile.__init__

    def recording(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if isinstance(self, TemporaryUploadedFile):
            paths.append(Path(self.temporary_file_path()))

    monkeypatch.setattr(UploadedFile, "__init__", recording)
    return paths


@pytest.mark.parametrize("path", ["/imports/upload/", "/admin/actions/actionitem/add/", "/"])
def test_an_anonymous_upload_is_refused_before_its_body_is_read(client, db, parses, spooled, path):
    response = client.post(path, {"file": _csv_upload()})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert parses == [] and spooled == []


@pytest.mark.parametrize("login_url", ["/accounts/login/", "/admin/login/"])
def test_a_sign_in_form_sent_as_multipart_still_signs_in(client, db, login_url):
    user = make_user("tanaka", "admin", password="pass-for-upload-1")
    user.is_staff = True
    user.save()
    response = client.post(login_url, {"username": "tanaka", "password": "pass-for-upload-1"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_an_anonymous_upload_to_the_sign_in_page_is_refused_unread(client, db, parses, spooled):
    response = client.post(reverse("login"), {"username": "x", "password": "y", "f": _csv_upload()})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert parses == [] and spooled == []


def test_a_signed_in_large_upload_spools_to_the_private_work_directory(client, db, spooled):
    admin = make_user("kanri", "admin")
    client.force_login(admin)
    response = client.post(reverse("imports:upload"), {"file": _csv_upload()})
    assert response.status_code in (200, 302, 400)
    (path,) = spooled
    directory = Path(settings.WORK_DIR) / "uploads"
    assert path.parent == directory
    info = directory.lstat()
    assert stat.S_IMODE(info.st_mode) == 0o700 and info.st_uid == os.geteuid()
    assert not path.exists()  # removed when the request ended
