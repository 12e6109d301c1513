"""``manage.py backup``: the database and the uploaded files, in one go (django-dbbackup).

SQLite is copied with SQLite's online backup API, PostgreSQL with pg_dump; both
are consistent while the site is running. Each run writes a pair of files with
the same time stamp into BACKUP_DIR (or --output-dir):

    nakai-dx-20260401-030000-database.sqlite3.gz   (PostgreSQL: …-database.psql.bin.gz)
    nakai-dx-20260401-030000-media.tar.gz

The files are created readable by the site's user only (umask 077).
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from nakai_dx.backups import PREFIX, database_extension


class Command(BaseCommand):
    help = "データベースとアップロードされたファイルをバックアップします。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=None,
            help="書き出す場所（既定は環境変数 BACKUP_DIR、なければ backups/）",
        )

    def handle(self, *args, **options):
        # The files hold every evaluation, evidence note and password hash:
        # readable by the site's own user alone.
        previous = os.umask(0o077)
        try:
            self._backup(Path(options["output_dir"] or settings.BACKUP_DIR))
        finally:
            os.umask(previous)

    def _backup(self, directory):
        try:
            directory.mkdir(parents=True, exist_ok=True)
            Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"バックアップの書き出し先を作れません: {error.strerror}") from error
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        database = directory / f"{PREFIX}-{stamp}-database.{database_extension(connection)}.gz"
        media = directory / f"{PREFIX}-{stamp}-media.tar.gz"
        if database.exists() or media.exists():
            raise CommandError(
                f"{stamp} のバックアップはすでにあります。1秒おいてやり直してください。"
            )
        quiet = {"verbosity": 0, "quiet": True}
        call_command("dbbackup", compress=True, output_path=str(database), **quiet)
        call_command("mediabackup", compress=True, output_path=str(media), **quiet)
        self.stdout.write(f"データベース: {database}")
        self.stdout.write(f"アップロードされたファイル: {media}")
        self.stdout.write(self.style.SUCCESS(f"バックアップしました（{stamp}）。"))
