from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "達成度の集計"

    def ready(self):
        from reports import freshness

        freshness.watch_writes()
