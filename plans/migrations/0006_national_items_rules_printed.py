"""Areas linked to the national plan's 重点取組事項; each town's own achievement rule; the
plan document's spellings as data.

- PriorityArea.national_items: filled from each area's 国計画との整合 text where the text
  names an item of the national plan (plans.national.named_items); text that names none
  stays as written, unlinked.
- Town.undeterminable_in_denominator, partial_weight, count_listings: empty, so every
  town keeps the deployment's rule until its operator sets one.
- PriorityArea.printed_name, PublishedFigure.printed_area_name and note: where the town's
  plan document printed an area's name another way, and the note under a printed table.
  These were written in code for 中井町 (plans/templatetags/plan_quotes.py); its
  existing data gets them here, as the fixture gives them to a new database.
"""

import random

import django.core.validators
from django.db import migrations, models

from plans.national import named_items

# What plan_quotes.py held for 中井町 (its plan review, 2.0版, 令和8年4月).
NAKAI = "143618"
REVIEW_SPELLING = "デジタルデバインド対策"  # 1. 中間見直しの概要: 重点施策体系, 総合計画との連動
TABLE_SPELLING = "デジタルデバйд対策"  # 3-2 取組の達成状況 (Cyrillic letters)
TABLE_SOURCE = "3-2 取組の達成状況"
TABLE_NOTE = (
    "アクションプランに位置付けた30個の取組について、計画期間内における目標に対して"
    "現在の達成度を目安として表したものです。"
)


def link_national_items(apps, schema_editor):
    Area = apps.get_model("plans", "PriorityArea")
    Item = apps.get_model("plans", "NationalPlanItem")
    RelatedPlan = apps.get_model("plans", "RelatedPlan")
    items = list(Item.objects.all())
    if not items:
        return
    editions = dict(
        RelatedPlan.objects.filter(issuer="国", name__contains="自治体DX推進計画")
        .exclude(edition="")
        .values_list("plan_id", "edition")
    )
    Link = Area.national_items.through
    links = []
    for area in Area.objects.exclude(national_alignment=""):
        for item in named_items(area.national_alignment, items, editions.get(area.plan_id)):
            links.append(Link(priorityarea_id=area.pk, nationalplanitem_id=item.pk))
    Link.objects.bulk_create(links, ignore_conflicts=True)


def nakai_spellings(apps, schema_editor):
    Area = apps.get_model("plans", "PriorityArea")
    Figure = apps.get_model("plans", "PublishedFigure")
    areas = Area.objects.filter(plan__town__code=NAKAI)
    for area in areas.exclude(main_initiatives="", national_alignment=""):
        if REVIEW_SPELLING in _lines(area.aliases):
            area.printed_name = REVIEW_SPELLING
            area.save(update_fields=["printed_name"])
    figures = Figure.objects.filter(plan__town__code=NAKAI, source__contains=TABLE_SOURCE)
    for figure in figures.select_related("area"):
        if figure.area is None:
            figure.note = TABLE_NOTE
            figure.save(update_fields=["note"])
        elif TABLE_SPELLING in _lines(figure.area.aliases):
            figure.printed_area_name = TABLE_SPELLING
            figure.save(update_fields=["printed_area_name"])


def forget_cached_figures(apps, schema_editor):
    """A new version of what every plan shows: figures cached before the migration
    (in a shared cache such as Redis) are keyed by the old one and never served."""
    DataVersion = apps.get_model("plans", "DataVersion")
    version = random.randrange(1, 2**40)
    if not DataVersion.objects.filter(plan_id=0, fiscal_year=0).update(version=version):
        DataVersion.objects.create(plan_id=0, fiscal_year=0, version=version)


def _lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0005_towns'),
    ]

    operations = [
        migrations.AddField(
            model_name='priorityarea',
            name='national_items',
            field=models.ManyToManyField(blank=True, help_text='この区分が対応する国の自治体DX推進計画の重点取組事項。団体の比較はこの対応付けで集計します。', related_name='areas', to='plans.nationalplanitem', verbose_name='国計画の重点取組事項'),
        ),
        migrations.AddField(
            model_name='priorityarea',
            name='printed_name',
            field=models.CharField(blank=True, help_text='計画書（この版）の重点施策体系の表が区分名を別の表記で載せている場合の、その表記。画面では区分名の横に「計画書の表記」として添えます。空欄なら区分名のとおり。', max_length=100, verbose_name='計画書の表記'),
        ),
        migrations.AddField(
            model_name='publishedfigure',
            name='note',
            field=models.TextField(blank=True, help_text='計画書が表の下に載せた注記（合計の行に記録します）。', verbose_name='表の注記'),
        ),
        migrations.AddField(
            model_name='publishedfigure',
            name='printed_area_name',
            field=models.CharField(blank=True, help_text='表が区分名を別の表記で載せている場合の、その表記。空欄なら区分名のとおり。', max_length=100, verbose_name='表の区分名の表記'),
        ),
        migrations.AddField(
            model_name='town',
            name='count_listings',
            field=models.BooleanField(blank=True, choices=[(None, '全体の設定に従う'), (True, '再掲を含めて数える'), (False, '取組ごとに1回だけ数える')], default=None, help_text='空欄なら、このサイト全体の設定に従います。', null=True, verbose_name='合計の取組数に再掲を含める'),
        ),
        migrations.AddField(
            model_name='town',
            name='partial_weight',
            field=models.DecimalField(blank=True, decimal_places=3, help_text='達成度の分子で一部達成を数える重み（1なら達成と同じ、0.5なら半分）。空欄なら、このサイト全体の設定に従います。', max_digits=4, null=True, validators=[django.core.validators.MinValueValidator(0, message='一部達成の重みは0以上1以下で入力してください（例：0.5）。'), django.core.validators.MaxValueValidator(1, message='一部達成の重みは0以上1以下で入力してください（例：0.5）。')], verbose_name='一部達成の重み'),
        ),
        migrations.AddField(
            model_name='town',
            name='undeterminable_in_denominator',
            field=models.BooleanField(blank=True, choices=[(None, '全体の設定に従う'), (True, '含める'), (False, '除く')], default=None, help_text='空欄なら、このサイト全体の設定に従います。', null=True, verbose_name='判定不可を達成度の分母に含める'),
        ),
        migrations.AlterField(
            model_name='priorityarea',
            name='national_alignment',
            field=models.CharField(blank=True, help_text='計画書に書かれたとおりの記載。団体間の比較には下の「国計画の重点取組事項」を使います。', max_length=300, verbose_name='国計画との整合'),
        ),
        migrations.RunPython(link_national_items, migrations.RunPython.noop),
        migrations.RunPython(nakai_spellings, migrations.RunPython.noop),
        migrations.RunPython(forget_cached_figures, migrations.RunPython.noop),
    ]
