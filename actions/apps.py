from django.apps import AppConfig


class ActionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "actions"
    verbose_name = "取組と評価"

    def ready(self):
        from actions import accounts_admin

        accounts_admin.register()
