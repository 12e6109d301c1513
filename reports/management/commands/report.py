from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans import wareki
from plans.models import Plan
from plans.towns import add_town_argument, town_from_option
from reports.yearly_report import FORMATS, render
from reports.yearly_report.content import build_report


class Command(BaseCommand):
    help = (
        "計画と年度の進捗報告書（達成状況の表、主な達成・未達成項目、取組一覧、主な取組一覧、"
        "本部の記述）を Word・Excel・PDF・HTML で書き出します。未公表の年度は「案」と表示します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="計画ID（例: nakai-dx-1.0）")
        parser.add_argument("--year", required=True, help="年度（2025、令和7年度、R7 など）")
        parser.add_argument("--format", required=True, choices=sorted(FORMATS), dest="fmt")
        parser.add_argument("--output", required=True, help="書き出すファイル")
        add_town_argument(parser)

    def handle(self, *args, plan, year, fmt, output, **options):
        plans = Plan.objects.for_town(town_from_option(options.get("town")))
        found = plans.filter(slug=plan).first()
        if found is None:
            known = "、".join(plans.values_list("slug", flat=True)) or "（登録なし）"
            raise CommandError(f"計画ID「{plan}」は登録されていません。登録済み: {known}")
        try:
            fiscal_year = wareki.parse_fiscal_year(year)
        except wareki.WarekiError as exc:
            raise CommandError(str(exc)) from exc
        if not found.covers_fiscal_year(fiscal_year):
            raise CommandError(
                f"{wareki.fiscal_year_label(fiscal_year)}は{found}の評価の対象年度"
                f"（{found.fiscal_years_label}）ではありません。"
            )
        content = build_report(found, fiscal_year)
        data = render(content, fmt)
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"「{output}」に書き出せません: {exc.strerror}") from exc
        draft = "（案：未公表の年度）" if content.is_draft else ""
        self.stdout.write(
            f"{found} {content.year_label}の報告書{draft}を {output} に書き出しました。"
        )
