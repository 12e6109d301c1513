"""``manage.py check --deploy``: settings that cannot work together on a server."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


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
