from django.urls import path

from reports import glossary, report_views, views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("plans/<str:slug>/areas/<int:number>/", views.area_detail, name="area"),
    path("plans/<str:slug>/items/<path:code>/", views.item_detail, name="item"),
    path("plans/<str:slug>/report/<str:year>/", report_views.year_report, name="year_report"),
    path(
        "plans/<str:slug>/report/<str:year>/edit/",
        report_views.year_report_edit,
        name="year_report_edit",
    ),
    path(
        "plans/<str:slug>/report/<str:year>/<str:fmt>/",
        report_views.year_report_file,
        name="year_report_file",
    ),
    path("opendata/", views.opendata_index, name="opendata"),
    path("opendata/achievement.json", views.opendata_json, name="opendata_json"),
    path("opendata/achievement.csv", views.opendata_csv, name="opendata_csv"),
    path("towns/", views.towns_compared, name="towns"),
    path("towns/achievement.csv", views.towns_csv, name="towns_csv"),
    path("towns/achievement.json", views.towns_json, name="towns_json"),
    path("accessibility/", views.accessibility_policy, name="accessibility"),
    path("glossary/", glossary.glossary, name="glossary"),
]
