"""The project's own app, and Japanese names for third-party apps in the Django admin."""

from axes.apps import AppConfig as BaseAxesConfig
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class NakaiDxConfig(AppConfig):
    """The project itself: deployment checks and the backup commands."""

    name = "nakai_dx"
    verbose_name = "運用"
    default = True

    def ready(self):
        from nakai_dx import checks  # noqa: F401  (registers the checks)


class AxesConfig(BaseAxesConfig):
    verbose_name = "ログインの制限"


class AdminConfig(admin_apps.AdminConfig):
    """The Django admin, on the site that keeps a town's admin to its own town's rows."""

    default = False  # not the default configuration of nakai_dx (NakaiDxConfig is)
    default_site = "plans.towns.TownAdminSite"
