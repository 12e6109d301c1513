"""``manage.py restore``: puts back a backup written by ``manage.py backup``.

Everything in the database and in MEDIA_ROOT is replaced. Stop the server first.
Into a new server: create the empty database (PostgreSQL: createdb), then
restore; there is no need to run migrate first.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from nakai_dx.backups import database_extension, find_backup


class Command(BaseCommand):
    help = "manage.py backup で作ったバックアップから、データベースとアップロードされたファイルを復元します。"

    def add_arguments(self, parser):
        parser.add_argument(
            "stamp",
            nargs="?",
            help="復元するバックアップの日時（例 20260401-030000）。省略すると最新のもの",
        )
        parser.add_argument(
            "--input-dir",
            default=None,
            help="バックアップのある場所（既定は環境変数 BACKUP_DIR、なければ backups/）",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="確認せずに復元する",
        )

    def handle(self, *args, **options):
        directory = Path(options["input_dir"] or settings.BACKUP_DIR)
        found = find_backup(directory, options["stamp"])
        if found is None:
            which = f"{options['stamp']} の" if options["stamp"] else ""
            raise CommandError(
                f"{directory} に{which}バックアップ（データベースとファイルの組）がありません。"
            )
        stamp, database, media = found
        expected = database_extension(connection)
        if not database.name.endswith(f"-database.{expected}.gz"):
            raise CommandError(
                f"{database.name} はいまのデータベース（{connection.vendor}）のバックアップではありません。"
            )

        target = connection.settings_dict["NAME"]
        self.stdout.write(f"復元するバックアップ: {stamp}")
        self.stdout.write(f"  データベース: {database}")
        self.stdout.write(f"  アップロードされたファイル: {media}")
        self.stdout.write(
            f"復元先: データベース「{target}」（{connection.vendor}）、ファイル {settings.MEDIA_ROOT}"
        )
        self.stdout.write("復元先の内容はすべてバックアップの内容に置き換わり、元に戻せません。")
        if options["interactive"]:
            answer = input("続けるには yes と入力してください: ")
            if answer.strip().lower() != "yes":
                raise CommandError("復元を取りやめました。何も変更していません。")

        Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
        connection.close()
        quiet = {"verbosity": 0, "quiet": True, "interactive": False, "uncompress": True}
        call_command("dbrestore", input_path=str(database), **quiet)
        call_command("mediarestore", input_path=str(media), replace=True, **quiet)
        self.stdout.write(self.style.SUCCESS(f"{stamp} のバックアップを復元しました。"))
