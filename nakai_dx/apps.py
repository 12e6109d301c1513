"""The project's own app, and Japanese names for third-party apps in the Django admin."""

from axes.apps import AppConfig as BaseAxesConfig
from django.apps import AppConfig


class NakaiDxConfig(AppConfig):
    """The project itself: deployment checks and the backup commands."""

    name = "nakai_dx"
    verbose_name = "運用"
    default = True

    def ready(self):
        from nakai_dx import checks  # noqa: F401  (registers the checks)


class AxesConfig(BaseAxesConfig):
    verbose_name = "ログインの制限"
