from django.urls import path

from actions import views

app_name = "actions"
urlpatterns = [
    path("plans/<slug:slug>/items/<int:number>/", views.item_detail, name="item"),
]
