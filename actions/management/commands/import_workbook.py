"""python manage.py import_workbook FILE [--town CODE] [--dry-run] [--user NAME]

Exit 0 with a summary per sheet; exit 1 with every error on stderr and
nothing written. A database that fails mid-import (a dropped connection) is
a message too, never a traceback: the import is one transaction, so nothing
was written.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from actions.imports.workbook.importer import import_workbook
from actions.imports.workbook.reader import ImportRefused, check_size, read_upload
from actions.models import AuditEntry
from plans.towns import add_town_argument, town_from_option


class Command(BaseCommand):
    help = (
        "取込用ブック（.xlsx）または CSV を取り込みます。エラーが1つでもあれば何も書き込みません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="取り込む .xlsx または .csv ファイル")
        parser.add_argument(
            "--dry-run", action="store_true", help="点検だけして、何も書き込みません"
        )
        parser.add_argument("--user", help="変更履歴に記録する利用者名（管理者）")
        add_town_argument(parser)

    def handle(self, *args, file, dry_run=False, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"ファイルが見つかりません: {file}")
        town = town_from_option(options.get("town"))
        try:
            self._import(path, user, dry_run, town)
        except DatabaseError as exc:
            self.stderr.write(f"データベースのエラー: {type(exc).__name__}")
            raise CommandError(
                "データベースとの接続が切れたか、データベースがエラーを返したため、取込を中止しました。"
                "取込は1つのトランザクションで書き込むため、何も書き込んでいません。"
                "データベースが動いていることを確かめてから、同じコマンドをもう一度実行してください。",
                returncode=1,
            ) from exc

    def _import(self, path, user, dry_run, town):
        importer_user = self._user(user)
        try:
            check_size(path.stat().st_size)
            sheets = read_upload(path.read_bytes(), path.name)
        except ImportRefused as exc:
            self.stderr.write(f"{path.name}: {exc}")
            raise CommandError(
                "ファイルを読み込めないため、何も取り込みませんでした。", returncode=1
            ) from exc
        job = import_workbook(
            sheets, town=town, user=importer_user, dry_run=dry_run, source=AuditEntry.Source.IMPORT
        )
        for error in job.errors:
            self.stderr.write(str(error))
        if job.errors:
            raise CommandError(
                f"{len(job.errors)} 件のエラーがあるため、何も取り込みませんでした。", returncode=1
            )
        verb = "取り込む予定（--dry-run のため書き込んでいません）" if dry_run else "取り込みました"
        for summary in job.present_summaries:
            self.stdout.write(
                f"{summary.name}: 追加 {summary.created} 件、更新 {summary.updated} 件、"
                f"変更なし {summary.unchanged} 件"
            )
        if job.new_sections:
            self.stdout.write(f"新規に作成される担当課: {len(job.new_sections)} 件")
            for section in job.new_sections:
                self.stdout.write(f"  {section}")
        for label, count in job.warning_counts:
            self.stdout.write(f"注意 {label}: {count} 件")
        for warning in job.warnings:
            self.stdout.write(f"  {warning}")
        self.stdout.write(f"合計 {job.total_writes} 件の変更を{verb}。")
        if job.initial_passwords:
            self.stdout.write(
                "新しいアカウントの初期パスワード（この表示は1回だけです。本人に伝えてください。"
                "初回ログインで新しいパスワードを設定します）:"
            )
            for account in job.initial_passwords:
                self.stdout.write(f"  {account.username}\t{account.password}\t{account.name}")

    def _user(self, name):
        if not name:
            return None
        try:
            return get_user_model().objects.get_by_natural_key(name)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"利用者「{name}」は登録されていません。") from exc
