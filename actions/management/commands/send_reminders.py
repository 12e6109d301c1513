"""manage.py send_reminders: the round's reminders (督促), safe to run as often as cron likes."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from actions.round import reminders
from plans.models import Town
from plans.towns import add_town_argument, town_from_option


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日付は 2027-05-31 の形で指定してください（{value}）。") from None


class Command(BaseCommand):
    help = (
        "評価作業の締切が近い（または過ぎた）年度について、未入力・未提出・差戻しの取組がある職員と、"
        "承認待ちの取組がある課長にメールを送ります。1人に1日1通までです。"
    )

    def add_arguments(self, parser):
        add_town_argument(parser)
        parser.add_argument(
            "--days-before",
            type=int,
            default=None,
            help=f"締切日の何日前から送るか（既定は REMINDER_DAYS_BEFORE = {settings.REMINDER_DAYS_BEFORE}）",
        )
        parser.add_argument("--date", type=_date, default=None, help="今日とみなす日付（確認用）")
        parser.add_argument(
            "--dry-run", action="store_true", help="送らずに、送る相手と件名だけを表示します"
        )

    def handle(self, *args, days_before=None, date=None, dry_run=False, **options):
        # Every town's people, each mail in their own town's name, unless --town names one.
        town = town_from_option(options["town"]) if options.get("town") else None
        if town is None and not Town.objects.exists():
            town_from_option(None)  # the Japanese message: no town yet
        if days_before is not None and days_before < 0:
            raise CommandError("--days-before は 0 以上の日数です。")
        if not dry_run and not settings.SITE_URL and not settings.DEBUG:
            raise CommandError(
                "SITE_URL が設定されていません。メールのリンクをサイトの住所から始めるため、"
                "環境変数 SITE_URL にサイトの URL（例 https://dx.example.lg.jp）を設定してください。"
                "メールは送っていません。"
            )
        try:
            outcome = reminders.send_reminders(
                today=date, days_before=days_before, dry_run=dry_run, town=town
            )
        except reminders.MailServerUnreachable as error:
            raise CommandError(_unreachable_message(error.__cause__ or error)) from None
        verb = "送信予定" if dry_run else "送信"
        for user, subject in outcome.sent:
            self.stdout.write(f"{verb}: {user.get_username()} <{user.email}> {subject}")
        for user in outcome.no_address:
            self.stdout.write(
                self.style.WARNING(
                    f"メールアドレス未登録のため送れません: {user.get_username()}"
                    "（管理画面の「ユーザー」で登録してください）"
                )
            )
        for user in outcome.already:
            self.stdout.write(f"本日送信済みのため送りません: {user.get_username()}")
        for user, error in outcome.failed:
            self.stderr.write(
                f"送信できませんでした: {user.get_username()} <{user.email}>: {error}"
            )
        self.stdout.write(
            f"督促メール: {verb} {len(outcome.sent)}通、本日送信済み {len(outcome.already)}人、"
            f"アドレス未登録 {len(outcome.no_address)}人、失敗 {len(outcome.failed)}人"
        )
        if outcome.failed:
            raise CommandError("送信できなかったメールがあります（次の実行で送り直します）。")


def _unreachable_message(error):
    """What to set when the SMTP server cannot be reached, in Japanese."""
    server = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return (
        f"メールサーバー（SMTP、{server}）に接続できませんでした（{error}）。"
        "メールは送っていません（送信の記録も残していないので、次の実行で送ります）。"
        "町のメールサーバーを環境変数 EMAIL_HOST と EMAIL_PORT に、必要なら EMAIL_HOST_USER・"
        "EMAIL_HOST_PASSWORD と EMAIL_USE_TLS（または EMAIL_USE_SSL）に設定してください。"
        "送る相手と件名だけを確かめるには --dry-run を付けて実行します。"
    )
