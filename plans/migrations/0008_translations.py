"""English and やさしい日本語 beside the plan's own words (plans.translated): optional, empty."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0007_data_version_town'),
    ]

    operations = [
        migrations.AddField(
            model_name='basicpolicy',
            name='name_easy',
            field=models.CharField(blank=True, help_text='やさしい日本語のページに表示します。空欄のときは元の表記のまま表示します。', max_length=200, verbose_name='方針（やさしい日本語）'),
        ),
        migrations.AddField(
            model_name='basicpolicy',
            name='name_en',
            field=models.CharField(blank=True, help_text='英語のページに表示します。空欄のときは日本語のまま表示します。', max_length=200, verbose_name='方針（英語）'),
        ),
        migrations.AddField(
            model_name='plan',
            name='name_easy',
            field=models.CharField(blank=True, help_text='やさしい日本語のページに表示します。空欄のときは元の表記のまま表示します。', max_length=400, verbose_name='計画名（やさしい日本語）'),
        ),
        migrations.AddField(
            model_name='plan',
            name='name_en',
            field=models.CharField(blank=True, help_text='英語のページに表示します。空欄のときは日本語のまま表示します。', max_length=400, verbose_name='計画名（英語）'),
        ),
        migrations.AddField(
            model_name='priorityarea',
            name='main_initiatives_easy',
            field=models.CharField(blank=True, help_text='やさしい日本語のページに表示します。空欄のときは元の表記のまま表示します。', max_length=600, verbose_name='主な取組（やさしい日本語）'),
        ),
        migrations.AddField(
            model_name='priorityarea',
            name='main_initiatives_en',
            field=models.CharField(blank=True, help_text='英語のページに表示します。空欄のときは日本語のまま表示します。', max_length=600, verbose_name='主な取組（英語）'),
        ),
        migrations.AddField(
            model_name='priorityarea',
            name='name_easy',
            field=models.CharField(blank=True, help_text='やさしい日本語のページに表示します。空欄のときは元の表記のまま表示します。', max_length=200, verbose_name='区分名（やさしい日本語）'),
        ),
        migrations.AddField(
            model_name='priorityarea',
            name='name_en',
            field=models.CharField(blank=True, help_text='英語のページに表示します。空欄のときは日本語のまま表示します。', max_length=200, verbose_name='区分名（英語）'),
        ),
        migrations.AddField(
            model_name='timelineevent',
            name='summary_easy',
            field=models.CharField(blank=True, help_text='やさしい日本語のページに表示します。空欄のときは元の表記のまま表示します。', max_length=600, verbose_name='取組概要（やさしい日本語）'),
        ),
        migrations.AddField(
            model_name='timelineevent',
            name='summary_en',
            field=models.CharField(blank=True, help_text='英語のページに表示します。空欄のときは日本語のまま表示します。', max_length=600, verbose_name='取組概要（英語）'),
        ),
        migrations.AddField(
            model_name='wellbeingdirection',
            name='name_easy',
            field=models.CharField(blank=True, help_text='やさしい日本語のページに表示します。空欄のときは元の表記のまま表示します。', max_length=100, verbose_name='方向性（やさしい日本語）'),
        ),
        migrations.AddField(
            model_name='wellbeingdirection',
            name='name_en',
            field=models.CharField(blank=True, help_text='英語のページに表示します。空欄のときは日本語のまま表示します。', max_length=100, verbose_name='方向性（英語）'),
        ),
    ]
