"""``manage.py check --deploy``: settings that cannot work together on a server."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def https_redirect_needs_a_trusted_proxy(app_configs, **kwargs):
    if settings.DEBUG or not settings.SECURE_SSL_REDIRECT or settings.TRUSTED_PROXIES:
        return []
    return [
        Warning(
            "SECURE_SSL_REDIRECT が有効ですが、TRUSTED_PROXIES が空です。リバースプロキシ（nginx）が"
            "HTTPS で受けた要求も HTTP として届くため、すべての要求が https への転送を繰り返します。",
            hint=(
                "nginx の後ろで動かすときは TRUSTED_PROXIES=127.0.0.1（nginx のアドレス）を、"
                "HTTPS なしで試すときは SECURE_SSL_REDIRECT=0 を設定してください。"
            ),
            id="nakai_dx.W001",
        )
    ]


@register(Tags.security, deploy=True)
def mail_links_need_the_site_url(app_configs, **kwargs):
    """Reminder mails are sent by cron, outside any request: only SITE_URL gives their links a host."""
    if settings.DEBUG:
        return []
    site_url = settings.SITE_URL
    if site_url.startswith(("https://", "http://")) and "/" not in site_url.split("://", 1)[1]:
        return []
    problem = "設定されていません" if not site_url else f"正しくありません（{site_url}）"
    return [
        Error(
            f"SITE_URL が{problem}。督促メール（manage.py send_reminders）のリンクが"
            "サイトの住所から始まらず、受け取った人が開けません。",
            hint="SITE_URL=https://dx.example.lg.jp のように、サイトの URL（末尾の / なし）を設定してください。",
            id="nakai_dx.E001",
        )
    ]
