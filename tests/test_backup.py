"""``manage.py backup`` and ``manage.py restore`` (django-dbbackup) on the suite's database engine.

The suite runs on SQLite and, in CI, again on PostgreSQL: each run backs up a
database of its own engine, restores it into an empty one and finds every plan,
status, KPI actual and history row, and the uploaded files.
"""

import json
import os
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
MODELS = [
    "plans.plan",
    "plans.priorityarea",
    "actions.actionitem",
    "actions.yearlystatus",
    "actions.kpi",
    "actions.kpiactual",
    "actions.evaluationyear",
    "actions.auditentry",
    "auth.user",
]

WRITE_HISTORY = """
import django; django.setup()
from django.contrib.auth.models import User
from actions import services
from actions.models import ActionItem, Kpi
user = User.objects.create_user("backup-staff", password="x")
item = ActionItem.objects.filter(plan__slug="nakai-dx-2.0").order_by("pk").first()
services.record_status(item, 2026, status="partially_achieved", comment="一部実施",
                       evidence="根拠メモ（非公開）", user=user)
kpi = Kpi.objects.create(item=item, name="相談件数", unit="件")
services.record_kpi_actual(kpi, 2026, "42", user=user)
"""


class Site:
    """manage.py against one database, with its own media and backup folders."""

    def __init__(self, url, root):
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
            "DEBUG": "0",
            "SECRET_KEY": "backup-tests-" + "k" * 40,
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(root / "media"),
            "BACKUP_DIR": str(root / "backups"),
            "DJANGO_SETTINGS_MODULE": "nakai_dx.settings",
        }

    def run(self, *args, code=None, stdin=None, check=True):
        command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def rows(self):
        dump = self.run("dumpdata", *MODELS, "--indent", "0").stdout
        return sorted(json.dumps(row, sort_keys=True) for row in json.loads(dump))


class Databases:
    """Empty databases on the engine the suite runs on, dropped at the end."""

    def __init__(self, root):
        self.root, self.names, self.admin = root, [], None
        if connection.vendor != "sqlite":
            import psycopg

            config = settings.DATABASES["default"]
            user = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
            self.server = (
                f"postgres://{user}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}"
            )
            self.admin = psycopg.connect(f"{self.server}/postgres", autocommit=True)

    def new(self, side):
        name = f"nakai_backup_{uuid.uuid4().hex[:8]}_{side}"
        if self.admin is None:
            return f"sqlite:///{self.root}/{name}.sqlite3"
        self.admin.execute(f'CREATE DATABASE "{name}"')
        self.names.append(name)
        return f"{self.server}/{name}"

    def drop(self):
        for name in self.names:
            self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if self.admin is not None:
            self.admin.close()


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    databases = Databases(tmp_path_factory.mktemp("databases"))
    yield databases
    databases.drop()


@pytest.fixture(scope="module")
def source(databases, tmp_path_factory):
    """A site with the town's data, a status, a KPI actual, their history and an upload, backed up."""
    site = Site(databases.new("src"), tmp_path_factory.mktemp("source"))
    site.run("migrate", "--noinput", "-v0")
    site.run("load_town_data")
    site.run(code=WRITE_HISTORY)
    uploads = Path(site.env["MEDIA_ROOT"]) / "imports"
    uploads.mkdir(parents=True)
    (uploads / "達成状況.xlsx").write_bytes(b"PK\x03\x04 workbook bytes")
    site.rows_before = site.rows()
    site.backup_output = site.run("backup").stdout
    return site


@pytest.fixture
def target(databases, source, tmp_path):
    """manage.py on an empty database, reading the source's backups."""
    site = Site(databases.new("dst"), tmp_path)
    site.env["BACKUP_DIR"] = source.env["BACKUP_DIR"]
    return site


def test_a_backup_restored_into_an_empty_database_has_every_row_and_file(source, target):
    kinds = {json.loads(row)["model"] for row in source.rows_before}
    assert {
        "plans.plan",
        "actions.yearlystatus",
        "actions.kpiactual",
        "actions.auditentry",
    } <= kinds
    assert "バックアップしました" in source.backup_output
    backups = sorted(Path(source.env["BACKUP_DIR"]).iterdir())
    assert {p.suffix for p in backups} == {".gz", ".metadata"}
    for path in backups:  # every evaluation and evidence note: the site's user alone reads them
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path

    result = target.run("restore", "--noinput")
    assert "のバックアップを復元しました。" in result.stdout
    assert target.rows() == source.rows_before
    restored = Path(target.env["MEDIA_ROOT"]) / "imports" / "達成状況.xlsx"
    assert restored.read_bytes() == b"PK\x03\x04 workbook bytes"
    # The restored database is complete: nothing left to migrate.
    assert "[ ]" not in target.run("showmigrations").stdout


def test_restore_shows_what_it_replaces_and_stops_unless_confirmed(target):
    result = target.run("restore", stdin="no\n", check=False)
    assert result.returncode == 1
    assert "復元先の内容はすべてバックアップの内容に置き換わり、元に戻せません。" in result.stdout
    assert "復元を取りやめました。何も変更していません。" in result.stderr
    tables = target.run(
        code="import django; django.setup()\n"
        "from django.db import connection\n"
        "print(len(connection.introspection.table_names()))"
    )
    assert tables.stdout.strip() == "0"


def test_restore_without_a_backup_says_so(tmp_path, databases):
    site = Site(databases.new("none"), tmp_path)
    result = site.run("restore", "--noinput", check=False)
    assert result.returncode == 1
    assert "バックアップ（データベースとファイルの組）がありません。" in result.stderr
