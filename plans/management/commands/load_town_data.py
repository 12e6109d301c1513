from django.core.management.base import BaseCommand, CommandError

from plans import town_data
from plans.models import Plan, Town


class Command(BaseCommand):
    help = (
        "町の公表データ（fixtures/nakai_dx_plan.json）を、その団体（全国地方公共団体コードで探し、"
        "なければ追加）に読み込みます。ほかの団体のデータはそのままです。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="その団体に計画がすでに登録されているときは何もしません（画面で記録した内容を上書きしません）。",
        )

    def handle(self, *args, **options):
        try:
            fields = town_data.fixture_town()
            town = Town.objects.filter(code=fields["code"]).first()
            if options["if_empty"] and town and Plan.objects.for_town(town).exists():
                self.stdout.write(
                    f"{town.name}の計画データは登録済みのため、読み込みを省略しました。"
                )
                return
            town, plans = town_data.load()
        except town_data.TownDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{town.name}（{town.code}）のデータを読み込みました（計画 {len(plans)} 件）。"
            )
        )
