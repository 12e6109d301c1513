from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from health_check.views import HealthCheckView

from actions.accounts import first_login, signin
from reports.api.main import api

# The town's name comes from the request (templates/admin/base_site.html).
admin.site.site_header = "DX推進計画 管理"
admin.site.site_title = "DX推進計画 管理"
admin.site.index_title = "管理メニュー"
admin.site.login_form = signin.AdminSignInForm

# The public pages at /…, /ja-easy/… and /en/… (nakai_dx.languages); the rest in Japanese only.
urlpatterns = i18n_patterns(
    path("", include("reports.urls")),
    path("", include("plans.urls")),
    prefix_default_language=False,
)
urlpatterns += [
    path("", include("actions.urls")),
    path("imports/", include("actions.imports.urls")),
    path("api/v1/", api.urls),
    # Sign-in, sign-out and changing one's own password. No password-reset pages:
    # the only mail this system sends is the round's reminders; an admin resets passwords.
    path("accounts/login/", signin.SignInView.as_view(), name="login"),
    path("accounts/logout/", signin.SignOutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        first_login.FirstPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        first_login.PasswordDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("health/", HealthCheckView.as_view(checks=settings.HEALTH_CHECKS), name="health"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", lambda request: redirect(static("favicon.svg")), name="favicon"),
    path("home/", RedirectView.as_view(pattern_name="reports:dashboard"), name="home"),
]
