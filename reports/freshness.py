"""A cheaper freshness check than reading the data versions' table on every request.

Every cached page and figure is keyed by the data versions (plans.versions),
and reading them is a query: on PostgreSQL a round trip on every request, which
is most of what a cached page costs. Instead, every statement that writes the
versions' table, on any connection of any process of the app (web workers,
the import worker, commands), writes a new random token to a small file (the
stamp, VERSION_STAMP, in WORK_DIR) as it runs and again when its transaction
commits. A request reads the token (one small file read) and reuses the
versions of its town this process read last under the same token; a new token,
a missing stamp, or a reading older than VERSION_STAMP_MAX_AGE reads the town's
rows again (one query on the town key, plans.versions.current).

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


# What this process read last, valid while the stamp's token is the same and not too old:
_readings = {}  # town key (EVERY_TOWN: all) → (monotonic time read, rows)
_readings_token = None
# Which town each host name was found to serve (find_town's answer: the town as it was
# read then, and whether it is the deployment's only one), with that town's own version
# row (plan 0, year 0) as it was then: every change to towns or host names changes every town's
# own row (plans.versions.data_changed()), so while it is the same the host serves
# the same town. A deployment of one town serves it on every host.
_hosts = {}  # host → (town key, version of the town's own row, (town, single))
MAX_HOSTS = 10_000
EVERY_TOWN = "*"


def _reading(key, token, now):
    global _readings_token
    if token is None or token != _readings_token:
        _readings.clear()
        _readings_token = token
        return None
    found = _readings.get(key)
    if found is not None and now - found[0] < settings.VERSION_STAMP_MAX_AGE:
        return found[1]
    return None


def _keep(key, token, now, rows):
    if token is not None:
        _readings[key] = (now, rows)
    elif stamp_path() is not None:
        touch()  # the first request after a start (or a failed write) makes the stamp
    return rows


def _rows_of_town(town_id, token, now):
    from plans.versions import current

    rows = _reading(town_id, token, now)
    return _keep(town_id, token, now, current(town_id)) if rows is None else rows


def town_versions(host):
    """(Versions of the town a host serves, (town, single): plans.towns.find_town's answer).

    One query on the town key when the stamp says the versions changed, none
    while it does not; the host's town is looked up (plans.towns.find_town) the
    first time and after a change to towns or host names, and kept (the town's row
    as it was then) while the town's own version is the same. ``None`` versions: the
    host serves no town.
    """
    from plans.towns import find_town
    from plans.versions import TOWN_ROW, Versions

    token, now = _token(), time.monotonic()
    known = _hosts.get(host)
    if known is not None:
        town_id, seen, found = known
        rows = _rows_of_town(town_id, token, now)
        if rows.get(TOWN_ROW, 0) == seen:
            return Versions.of_town(town_id, rows), found
    found = town, _single = find_town(host)
    if town is None:
        _hosts.pop(host, None)
        return None, found
    rows = _rows_of_town(town.pk, token, now)
    if len(_hosts) >= MAX_HOSTS:
        _hosts.clear()
    _hosts[host] = (town.pk, rows.get(TOWN_ROW, 0), found)
    return Versions.of_town(town.pk, rows), found


def every_town_versions():
    """Versions of every town (the towns compared), read again only when the stamp says so."""
    from plans.versions import Versions, read_every_town

    token, now = _token(), time.monotonic()
    by_town = _reading(EVERY_TOWN, token, now)
    if by_town is None:
        by_town = _keep(EVERY_TOWN, token, now, read_every_town())
    return Versions.every_town({town: dict(rows) for town, rows in by_town.items()})


def forget_host(host):
    """Look the host's town up again on its next request (it served another town)."""
    _hosts.pop(host, None)


def forget():
    """Read the versions' table on the next request (a test's database starts anew)."""
    global _readings_token
    _readings.clear()
    _hosts.clear()
    _readings_token = None
