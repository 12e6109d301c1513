"""python manage.py export_workbook --plan SLUG -o FILE.xlsx   (or --template, or .csv with --sheet)"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actions.imports.workbook import exporter
from actions.imports.workbook import sheets as S
from plans.models import Plan
from plans.towns import add_town_argument, town_from_option


class Command(BaseCommand):
    help = "計画のデータを取込用ブックと同じ形式（.xlsx または1シートの CSV）で書き出します。"

    def add_arguments(self, parser):
        add_town_argument(parser)
        parser.add_argument(
            "--plan", action="append", default=[], help="計画ID（複数指定可。省略時はすべて）"
        )
        parser.add_argument(
            "-o", "--output", required=True, help="出力ファイル（.xlsx または .csv）"
        )
        parser.add_argument("--sheet", choices=list(S.SHEETS_BY_NAME), help="CSV に書き出すシート")
        parser.add_argument(
            "--template", action="store_true", help="空のテンプレートを書き出します"
        )

    def handle(self, *args, plan, output, sheet=None, template=False, **options):
        town = town_from_option(options.get("town"))
        town_plans = Plan.objects.for_town(town)
        plans = list(town_plans.filter(slug__in=plan)) if plan else list(town_plans)
        missing = set(plan) - {p.slug for p in plans}
        if missing:
            raise CommandError(f"計画ID {'、'.join(sorted(missing))} の計画は登録されていません。")
        path = Path(output)
        if path.suffix.lower() == ".csv":
            if not sheet:
                raise CommandError("CSV に書き出すときは --sheet でシートを選んでください。")
            path.write_bytes(exporter.sheet_csv_bytes(sheet, [] if template else plans))
        elif path.suffix.lower() == ".xlsx":
            book = exporter.build_workbook(plans, template=template, town=town)
            path.write_bytes(exporter.workbook_bytes(book))
        else:
            raise CommandError("出力ファイルの拡張子は .xlsx または .csv にしてください。")
        self.stdout.write(f"{path} に書き出しました。")
