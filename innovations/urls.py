from django.urls import path

from . import feeds, views

app_name = "innovations"

urlpatterns = [
    path("innovations/", views.innovation_list, name="list"),
    path("innovations/export.csv", views.innovation_export_csv, name="export_csv"),
    path("innovations/export.json", views.innovation_export_json, name="export_json"),
    path("innovations/feed/", feeds.InnovationFeed(), name="feed"),
    path("innovations/<slug:slug>/", views.innovation_detail, name="detail"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme_detail"),
]
