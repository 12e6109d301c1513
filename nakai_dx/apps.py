"""Japanese names for third-party apps in the Django admin."""

from axes.apps import AppConfig as BaseAxesConfig


class AxesConfig(BaseAxesConfig):
    verbose_name = "ログインの制限"
