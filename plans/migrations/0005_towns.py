"""Towns (団体): every plan, section, working group, governing body, Well-Being direction and
timeline event belongs to one. A database from before towns held one town's data: its rows
all go to that town, created here; an empty database gets no town (a town comes with its
data: the fixture, or manage.py add_town)."""

import django.db.models.deletion
from django.db import migrations, models

import plans.models

OWNED = ["plan", "section", "workinggroup", "governingbody", "wellbeingdirection", "timelineevent"]

# Before towns, the product served 中井町 only: an existing database is its data.
EXISTING_TOWN = {
    "code": "143618",
    "name": "中井町",
    "prefecture": "神奈川県",
    "office": "企画課 デジタル推進班",
}


def carry_over(apps, schema_editor):
    models_ = [apps.get_model("plans", name) for name in OWNED]
    if not any(model.objects.exists() for model in models_):
        return
    Town = apps.get_model("plans", "Town")
    town, _ = Town.objects.get_or_create(code=EXISTING_TOWN["code"], defaults=EXISTING_TOWN)
    for model in models_:
        model.objects.update(town=town)


def town_field(null):
    return models.ForeignKey(
        null=null,
        default=None if null else plans.models.only_town,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="+",
        to="plans.town",
        verbose_name="団体",
    )


class Migration(migrations.Migration):
    dependencies = [("plans", "0004_data_version")]

    operations = [
        migrations.CreateModel(
            name="Town",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(help_text="6桁（6桁目は検査数字）。例：中井町は 143618。", max_length=6, unique=True, validators=[plans.models.validate_town_code], verbose_name="全国地方公共団体コード")),
                ("name", models.CharField(max_length=50, verbose_name="団体名")),
                ("prefecture", models.CharField(max_length=10, verbose_name="都道府県")),
                ("office", models.CharField(blank=True, help_text="例：企画課 デジタル推進班", max_length=100, verbose_name="計画の担当")),
                ("contact", models.CharField(blank=True, help_text="電話番号やメールアドレス", max_length=200, verbose_name="問い合わせ先")),
                ("licence", models.CharField(default="CC BY 4.0", max_length=50, verbose_name="オープンデータの利用条件")),
                ("citation", models.CharField(blank=True, help_text="オープンデータを使う人が書く出典。空欄なら「<団体名>DX推進計画 進捗ダッシュボード」。", max_length=200, verbose_name="出典の表記")),
                ("four_eyes", models.BooleanField(default=False, help_text="入れると、課長は自分が提出した取組を承認できません（ほかの課長か管理者が承認します）。", verbose_name="承認は提出者以外")),
            ],
            options={"verbose_name": "団体", "verbose_name_plural": "団体", "ordering": ["code"]},
        ),
        migrations.CreateModel(
            name="TownHost",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("host", models.CharField(help_text="例：nakai.example.lg.jp（ポート番号なし）", max_length=253, unique=True, verbose_name="ホスト名")),
                ("town", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="hosts", to="plans.town")),
            ],
            options={"verbose_name": "ホスト名", "verbose_name_plural": "ホスト名", "ordering": ["host"]},
        ),
        *[migrations.AddField(name, "town", town_field(null=True)) for name in OWNED],
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        *[migrations.AlterField(name, "town", town_field(null=False)) for name in OWNED[1:]],
        migrations.AlterField(
            "plan",
            "town",
            models.ForeignKey(default=plans.models.only_town, on_delete=django.db.models.deletion.PROTECT, related_name="plans", to="plans.town", verbose_name="団体"),
        ),
        migrations.AlterField(
            "plan",
            "slug",
            models.SlugField(help_text="団体の中で重ならない英数字。", verbose_name="計画ID"),
        ),
        migrations.AddConstraint("plan", models.UniqueConstraint(fields=("town", "slug"), name="unique_plan_slug")),
        migrations.AlterField("section", "name", models.CharField(max_length=100, verbose_name="担当課")),
        migrations.AddConstraint("section", models.UniqueConstraint(fields=("town", "name"), name="unique_section_name")),
        migrations.AlterField("workinggroup", "number", models.PositiveSmallIntegerField(verbose_name="番号")),
        migrations.AddConstraint("workinggroup", models.UniqueConstraint(fields=("town", "number"), name="unique_working_group")),
        migrations.AlterField("governingbody", "name", models.CharField(max_length=100, verbose_name="名称")),
        migrations.AddConstraint("governingbody", models.UniqueConstraint(fields=("town", "name"), name="unique_governing_body")),
        migrations.AlterField("wellbeingdirection", "number", models.PositiveSmallIntegerField(verbose_name="番号")),
        migrations.AlterField("wellbeingdirection", "name", models.CharField(max_length=50, verbose_name="方向性")),
        migrations.AddConstraint("wellbeingdirection", models.UniqueConstraint(fields=("town", "number"), name="unique_wellbeing_number")),
        migrations.AddConstraint("wellbeingdirection", models.UniqueConstraint(fields=("town", "name"), name="unique_wellbeing_name")),
    ]
