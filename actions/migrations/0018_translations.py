"""English and やさしい日本語 beside item titles and KPI names and units (plans.translated)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0016_publication_note'),
    ]

    operations = [
        migrations.AddField(
            model_name='actionitem',
            name='title_easy',
            field=models.CharField(blank=True, help_text='やさしい日本語のページに表示します。空欄のときは元の表記のまま表示します。', max_length=400, verbose_name='取組名（やさしい日本語）'),
        ),
        migrations.AddField(
            model_name='actionitem',
            name='title_en',
            field=models.CharField(blank=True, help_text='英語のページに表示します。空欄のときは日本語のまま表示します。', max_length=400, verbose_name='取組名（英語）'),
        ),
        migrations.AddField(
            model_name='kpi',
            name='name_easy',
            field=models.CharField(blank=True, help_text='やさしい日本語のページに表示します。空欄のときは元の表記のまま表示します。', max_length=400, verbose_name='指標名（やさしい日本語）'),
        ),
        migrations.AddField(
            model_name='kpi',
            name='name_en',
            field=models.CharField(blank=True, help_text='英語のページに表示します。空欄のときは日本語のまま表示します。', max_length=400, verbose_name='指標名（英語）'),
        ),
        migrations.AddField(
            model_name='kpi',
            name='unit_easy',
            field=models.CharField(blank=True, help_text='やさしい日本語のページに表示します。空欄のときは元の表記のまま表示します。', max_length=60, verbose_name='単位（やさしい日本語）'),
        ),
        migrations.AddField(
            model_name='kpi',
            name='unit_en',
            field=models.CharField(blank=True, help_text='英語のページに表示します。空欄のときは日本語のまま表示します。', max_length=60, verbose_name='単位（英語）'),
        ),
    ]
