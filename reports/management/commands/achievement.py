import json

from django.core.management.base import BaseCommand, CommandError

from actions.models import EvaluationYear
from plans import wareki
from plans.models import Plan
from plans.towns import add_town_argument, town_from_option
from reports.achievement import compute_achievement, format_rate
from reports.opendata import with_publication_note


class Command(BaseCommand):
    help = "計画と年度を指定して、重点施策区分ごとの達成状況と達成度を表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="計画ID（例: nakai-dx-1.0）")
        parser.add_argument("--year", required=True, help="年度（2025、令和7年度、R7 など）")
        parser.add_argument("--format", choices=["json", "table"], default="table")
        add_town_argument(parser)

    def handle(self, *args, **options):
        plans = Plan.objects.for_town(town_from_option(options.get("town")))
        plan = plans.filter(slug=options["plan"]).first()
        if plan is None:
            known = "、".join(plans.values_list("slug", flat=True)) or "（登録なし）"
            raise CommandError(
                f"計画ID「{options['plan']}」は登録されていません。登録済み: {known}"
            )
        try:
            year = wareki.parse_fiscal_year(options["year"])
        except wareki.WarekiError as exc:
            raise CommandError(str(exc)) from exc
        if not plan.covers_fiscal_year(year):
            raise CommandError(
                f"{wareki.fiscal_year_label(year)}は{plan}の計画期間"
                f"（{wareki.fiscal_year_label(plan.first_fiscal_year)}～"
                f"{wareki.fiscal_year_label(plan.last_fiscal_year)}）の外です。"
            )
        achievement = compute_achievement(plan, year)
        if options["format"] == "json":
            note = EvaluationYear.objects.publication_notes(plan).get(year, "")
            document = with_publication_note(achievement.as_dict(), note)
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{plan} {achievement.fiscal_year_label}")
        header = ("区分", "取組数", "達成", "一部達成", "未達成", "判定不可", "未評価", "達成度")
        rows = [
            (
                result.area.name,
                *(str(v) for v in result.counts.as_dict().values()),
                result.rate_display,
            )
            for result in achievement.areas
        ]
        rows.append(
            (
                "合計",
                *(str(v) for v in achievement.overall.as_dict().values()),
                format_rate(achievement.pooled_rate),
            )
        )
        widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write(
                "  ".join(
                    _pad(cell, width, i)
                    for i, (cell, width) in enumerate(zip(row, widths, strict=True))
                )
            )
        if achievement.is_provisional:
            overall = achievement.overall
            self.stdout.write(
                f"評価済み {overall.evaluated}／{overall.total}：達成度は評価済みの取組だけで"
                "計算した暫定の値です。"
            )
        self.stdout.write(f"全体（合算）: {format_rate(achievement.pooled_rate)}")
        self.stdout.write(f"区分別達成度の平均: {format_rate(achievement.mean_of_area_rates)}")
        self.stdout.write(achievement.rule.formula)
        if achievement.published:
            self.stdout.write(achievement.published.explanation)


def _width(text):
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text, width, index):
    gap = " " * (width - _width(text))
    return text + gap if index == 0 else gap + text
