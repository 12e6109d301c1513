from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("actions", "0005_carry_over_item_codes_and_states")]

    operations = [
        migrations.RemoveConstraint(model_name="actionitem", name="unique_item_number"),
        migrations.RemoveField(model_name="actionitem", name="number"),
        migrations.AlterModelOptions(
            name="actionitem",
            options={
                "ordering": ["plan", "sort_key", "code_key"],
                "verbose_name": "取組",
                "verbose_name_plural": "取組",
            },
        ),
        migrations.AddConstraint(
            model_name="actionitem",
            constraint=models.UniqueConstraint(
                fields=("plan", "code_key"), name="unique_item_code"
            ),
        ),
    ]
