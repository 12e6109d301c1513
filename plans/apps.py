from django.apps import AppConfig


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"
    verbose_name = "計画と推進体制"

    def ready(self):
        from plans import versions

        versions.watch(self, exclude=("DataVersion",))
