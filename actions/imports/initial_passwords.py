"""New accounts' initial passwords between the import that made them and the page that shows them.

The import runs in the worker; the admin reads the result later, in another
request. In between, the passwords are kept only encrypted (Fernet: AES with
an HMAC, from the ``cryptography`` package) under a key derived from
SECRET_KEY, never in plain text: a pg_dump or ``manage.py backup`` taken at
any moment holds no password, and a backup restored elsewhere (without this
SECRET_KEY) cannot read them. They are readable for INITIAL_PASSWORDS_TTL
seconds after the import, shown once, then dropped; whether or not anybody
opened the page, expired ones are unreadable and are removed (purge_expired).
"""

import base64
import json
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django.utils.crypto import salted_hmac

from actions.models import ImportJob

KEY = "initial_passwords"  # in ImportJob.outcome: the sealed token, never the passwords
EXPIRED = (
    "初期パスワードの表示期限（取込から{minutes}分）が過ぎたため、表示できません"
    "（サーバーには残っていません）。新しいアカウントのパスワードは、管理画面の「ユーザー」で"
    "設定し直してください。"
)


def ttl():
    return settings.INITIAL_PASSWORDS_TTL


def _fernet():
    digest = salted_hmac(
        "actions.imports.initial_passwords", "fernet-key", algorithm="sha256"
    ).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(passwords):
    """[{"username", "name", "password"}] -> a token only this SECRET_KEY opens, for ttl() s."""
    return _fernet().encrypt(json.dumps(passwords, ensure_ascii=False).encode()).decode()


def unseal(token):
    """The passwords a token holds, or None when it expired or is not ours."""
    if not isinstance(token, str):
        return None
    try:
        return json.loads(_fernet().decrypt(token.encode(), ttl=ttl()))
    except (InvalidToken, ValueError):
        return None


def expired_message():
    return EXPIRED.format(minutes=max(1, round(ttl() / 60)))


def purge_expired():
    """Remove the sealed passwords of imports finished more than ttl() ago; returns how many."""
    cutoff = timezone.now() - timedelta(seconds=ttl())
    purged = 0
    try:
        for job in (
            ImportJob.objects.filter(state=ImportJob.State.DONE, updated_at__lt=cutoff)
            .filter(outcome__has_key=KEY)
            .only("pk", "outcome")
        ):
            outcome = dict(job.outcome)
            outcome.pop(KEY, None)
            # update(): updated_at stays the time of the import.
            purged += ImportJob.objects.filter(pk=job.pk).update(outcome=outcome)
    except DatabaseError:
        return purged  # busy (an import writing): the next call removes them
    return purged
