"""python manage.py add_town --code 143618 --name 中井町 --prefecture 神奈川県 --host nakai.example.lg.jp

Adds a town (団体) to the deployment, served on its host names. The town's
admin then imports its workbook at /imports/ (its 職員 sheet creates the
accounts), or `manage.py import_workbook --town CODE FILE` does it here.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from actions.models import AuditEntry
from plans.models import Town, TownHost


class Command(BaseCommand):
    help = "団体（市区町村）を追加します。ホスト名を指定すると、そのホスト名でその団体のページを表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="全国地方公共団体コード（6桁）")
        parser.add_argument("--name", required=True, help="団体名（例：中井町）")
        parser.add_argument("--prefecture", required=True, help="都道府県（例：神奈川県）")
        parser.add_argument(
            "--host",
            action="append",
            default=[],
            help="ホスト名（例：nakai.example.lg.jp）。複数指定できます。",
        )
        parser.add_argument("--office", default="", help="計画の担当（例：企画課 デジタル推進班）")
        parser.add_argument("--name-en", default="", help="英語のページの団体名（例：Nakai Town）")
        parser.add_argument("--kana", default="", help="団体名の読み（例：なかいまち）")

    def handle(self, *args, code, name, prefecture, host, office, name_en, kana, **options):
        town = Town(
            code=code.strip(),
            name=name.strip(),
            prefecture=prefecture.strip(),
            office=office,
            name_en=name_en.strip(),
            name_kana=kana.strip(),
        )
        hosts = [TownHost(town=town, host=h.strip().lower()) for h in host if h.strip()]
        try:
            town.full_clean()
            for item in hosts:
                item.full_clean(exclude=["town"])
        except ValidationError as error:
            raise CommandError(_messages(error)) from error
        if len({item.host for item in hosts}) < len(hosts):
            raise CommandError("同じホスト名が2回指定されています。")
        with transaction.atomic():
            town.save()
            for item in hosts:
                item.town = town
                item.save()
            AuditEntry.objects.create(
                town=town,
                action="団体の追加",
                source=AuditEntry.Source.COMMAND,
                object_repr=f"{town.prefecture} {town.name}（{town.code}）",
                after={
                    "全国地方公共団体コード": town.code,
                    "団体名": town.name,
                    "都道府県": town.prefecture,
                    "ホスト名": [item.host for item in hosts],
                },
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"団体「{town.prefecture} {town.name}」（{town.code}）を追加しました。"
            )
        )
        for item in hosts:
            self.stdout.write(f"  ホスト名: {item.host}（ALLOWED_HOSTS にも加えてください）")
        self.stdout.write(
            "次に、この団体の管理者のアカウントを作り（manage.py createsuperuser、または管理画面）、"
            f"取込用ブックを取り込みます（manage.py import_workbook --town {town.code} FILE）。"
        )


def _messages(error):
    labels = {
        "code": "全国地方公共団体コード",
        "name": "団体名",
        "prefecture": "都道府県",
        "host": "ホスト名",
    }
    if hasattr(error, "message_dict"):
        return " ".join(
            f"{labels.get(field, field)}: {message}"
            for field, messages in error.message_dict.items()
            for message in messages
        )
    return " ".join(error.messages)
