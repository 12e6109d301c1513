"""A cheaper freshness check than reading the data versions' table on every request.

Every cached page and figure is keyed by the data versions (plans.versions),
and reading them is a query: on PostgreSQL a round trip on every request, which
is most of what a cached page costs. Instead, every statement that writes the
versions' table, on any connection of any process of the app (web workers,
the import worker, commands), writes a new random token to a small file (the
stamp, VERSION_STAMP, in WORK_DIR) as it runs and again when its transaction
commits. A request reads the token (one small file read) and reuses the
versions this process read last under the same token; a new token, a missing
stamp, or a reading older than VERSION_STAMP_MAX_AGE reads the table again.

The token is read before the table, and the writer's commit changes it before
the writer answers: a request that starts after a write has finished sees the
new token, so it reads the new versions. Writes made outside the app (SQL by
hand, a restore) are seen within VERSION_STAMP_MAX_AGE. The stamp is one
machine's file: a deployment whose web servers run on several machines sets
VERSION_STAMP to "" (each request reads the table).
"""

import os
import secrets
import time

from django.conf import settings
from django.db import transaction
from django.db.backends.signals import connection_created

_last = None  # (token, monotonic time read, rows) of this process


def stamp_path():
    return settings.VERSION_STAMP or None


def _table():
    from plans.models import DataVersion

    return DataVersion._meta.db_table


def touch():
    """Write a new token: every process reads the versions again on its next request."""
    path = stamp_path()
    if path is None:
        return
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        partial = f"{path}.{os.getpid()}.{secrets.token_hex(4)}"
        with open(partial, "w") as handle:
            handle.write(secrets.token_hex(16))
        os.replace(partial, path)
    except OSError:
        # Without a new token no one may go on trusting the old one.
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if _table() in sql and not sql.lstrip()[:6].upper() == "SELECT":
        touch()
        transaction.on_commit(touch, using=context["connection"].alias)
    return result


def _install(sender, connection, **kwargs):
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def watch_writes():
    """Have every database connection of this process change the token when it writes versions."""
    from django.db import connections

    connection_created.connect(_install, dispatch_uid="reports-freshness")
    for connection in connections.all(initialized_only=True):
        _install(None, connection)


def _token():
    path = stamp_path()
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            return handle.read(64)
    except OSError:
        return None


def current_rows():
    """plans.versions.current(), read again only when the stamp says the versions changed."""
    from plans.versions import current

    global _last
    token = _token()
    now = time.monotonic()
    last = _last
    if (
        token is not None
        and last is not None
        and last[0] == token
        and now - last[1] < settings.VERSION_STAMP_MAX_AGE
    ):
        return last[2]
    rows = current()
    _last = (token, now, rows) if token is not None else None
    if token is None and stamp_path() is not None:
        touch()  # the first request after a start (or a failed write) makes the stamp
    return rows


def forget():
    """Read the versions' table on the next request (a test's database starts anew)."""
    global _last
    _last = None
