"""Names of the backup files that ``manage.py backup`` writes and ``manage.py restore`` reads."""

import re
from pathlib import Path

from dbbackup.db.base import get_connector

PREFIX = "nakai-dx"
_NAME = re.compile(rf"^{PREFIX}-(\d{{8}}-\d{{6}})-database\.(.+)\.gz$")


def database_extension(connection):
    """sqlite3 or psql.bin: the connector's own, as dbrestore reads it."""
    return get_connector(connection.alias).extension


def find_backup(directory, stamp=None):
    """The (stamp, database file, media file) of the newest backup, or of ``stamp``."""
    found = []
    for path in Path(directory).glob(f"{PREFIX}-*-database.*.gz"):
        match = _NAME.match(path.name)
        media = path.with_name(f"{PREFIX}-{match.group(1)}-media.tar.gz") if match else None
        if match and media.exists() and (stamp is None or match.group(1) == stamp):
            found.append((match.group(1), path, media))
    return max(found, default=None)
