"""No initial password at rest: a dump of the database taken at any moment of an import holds none.

The 職員 sheet makes accounts whose one-time passwords the admin reads on the
import's result page. Between the worker's import and that page they are kept
only sealed (actions.imports.initial_passwords), shown once, and dropped
after INITIAL_PASSWORDS_TTL whether anybody looked or not.
"""

import io
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

import actions.services
from actions.imports import initial_passwords
from actions.models import ImportJob
from actions.services import accounts
from tests.imports.conftest import xlsx_bytes

pytestmark = pytest.mark.django_db

STAFF = [
    ["ユーザー名", "氏名", "メールアドレス", "担当課", "役割"],
    ["tanaka.h", "田中 花子", "", "企画課 デジタル推進班", "職員"],
    ["suzuki.k", "鈴木 健", "", "企画課 デジタル推進班", "課長"],
    ["sato.m", "佐藤 実", "", "企画課 デジタル推進班", "職員"],
]


@pytest.fixture
def issued(monkeypatch):
    """Every initial password the import issues, as it issues it."""
    passwords = []
    original = accounts.initial_password

    def recording():
        passwords.append(original())
        return passwords[-1]

    monkeypatch.setattr(accounts, "initial_password", recording)
    return passwords


def _dump():
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def _holds_none(passwords, dump):
    assert passwords
    return not [password for password in passwords if password in dump]


def _upload(client):
    book = SimpleUploadedFile("staff.xlsx", xlsx_bytes({"職員": STAFF}))
    response = client.post(reverse("imports:upload"), {"file": book})
    assert response.status_code == 302
    return response["Location"]


def test_no_dump_at_any_moment_holds_a_password(
    client, admin_user, registered_section, issued, monkeypatch
):
    dumps = {}
    save = actions.services.save_staff_accounts

    def save_and_dump(*args, **kwargs):  # inside the import's transaction, accounts made
        made = save(*args, **kwargs)
        dumps["while importing"] = _dump()
        return made

    monkeypatch.setattr(actions.services, "save_staff_accounts", save_and_dump)
    client.force_login(admin_user)
    job_page = _upload(client)
    dumps["after the dry run"] = _dump()
    client.post(reverse("imports:confirm"), {"token": client.session["imports_pending"]["job"]})
    dumps["imported, page not opened"] = _dump()
    assert len(issued) == 3

    page = client.get(job_page)
    for password in issued:
        assert password in page.text  # shown once…
    dumps["page opened"] = _dump()
    assert not any(password in client.get(job_page).text for password in issued)  # …only once
    dumps["page opened again"] = _dump()

    for moment, dump in dumps.items():
        assert _holds_none(issued, dump), moment


def test_unviewed_passwords_expire_and_leave_the_database(
    client, admin_user, registered_section, issued, monkeypatch
):
    client.force_login(admin_user)
    job_page = _upload(client)
    client.post(reverse("imports:confirm"), {"token": client.session["imports_pending"]["job"]})
    job = ImportJob.objects.get()
    assert initial_passwords.KEY in job.outcome

    later = time.time() + initial_passwords.ttl() + 60
    monkeypatch.setattr("cryptography.fernet.time.time", lambda: later)
    page = client.get(job_page)
    assert "初期パスワードの表示期限（取込から15分）が過ぎたため" in page.text
    assert not any(password in page.text for password in issued)
    job.refresh_from_db()
    assert initial_passwords.KEY not in job.outcome


def test_a_purge_removes_expired_sealed_passwords_nobody_opened(
    client, admin_user, registered_section, issued
):
    client.force_login(admin_user)
    _upload(client)
    client.post(reverse("imports:confirm"), {"token": client.session["imports_pending"]["job"]})
    assert initial_passwords.purge_expired() == 0  # still within the time
    ImportJob.objects.update(updated_at=timezone.now() - timedelta(seconds=901))
    assert initial_passwords.purge_expired() == 1
    assert initial_passwords.KEY not in ImportJob.objects.get().outcome


def test_a_sealed_token_opens_only_with_this_secret_key(db):
    token = initial_passwords.seal([{"username": "a", "name": "", "password": "Abcd-2345-Wxyz"}])
    assert "Abcd-2345-Wxyz" not in token
    assert initial_passwords.unseal(token)[0]["password"] == "Abcd-2345-Wxyz"
    with override_settings(SECRET_KEY="another-towns-restored-backup-key"):
        assert initial_passwords.unseal(token) is None
