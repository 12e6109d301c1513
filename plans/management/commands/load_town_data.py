from django.core.management import call_command
from django.core.management.base import BaseCommand

from plans.models import Plan


class Command(BaseCommand):
    help = "中井町DX推進計画の公表データ（fixtures/nakai_dx_plan.json）を読み込みます。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="計画がすでに登録されているときは何もしません（画面で記録した内容を上書きしません）。",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Plan.objects.exists():
            self.stdout.write("計画データは登録済みのため、読み込みを省略しました。")
            return
        call_command("loaddata", "nakai_dx_plan", verbosity=0)
        self.stdout.write(self.style.SUCCESS("中井町DX推進計画のデータを読み込みました。"))
