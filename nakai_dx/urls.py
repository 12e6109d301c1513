from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "中井町DX推進計画 管理"
admin.site.site_title = "中井町DX推進計画 管理"
admin.site.index_title = "管理メニュー"

urlpatterns = [
    path("", include("reports.urls")),
    path("", include("plans.urls")),
    path("", include("actions.urls")),
    path("imports/", include("actions.import_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("home/", RedirectView.as_view(pattern_name="reports:dashboard"), name="home"),
]
