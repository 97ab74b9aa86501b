from django.urls import path

from . import feeds, views, workspace

app_name = "innovations"

urlpatterns = [
    path("innovations/", views.innovation_list, name="list"),
    path("innovations/export.csv", views.innovation_export_csv, name="export_csv"),
    path("innovations/export.json", views.innovation_export_json, name="export_json"),
    path("innovations/feed/", feeds.InnovationFeed(), name="feed"),
    path("saved-searches/", views.saved_searches, name="saved_searches"),
    path("saved-searches/<int:pk>/", views.saved_search_change, name="saved_search_change"),
    path("saved-searches/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("innovations/<slug:slug>/", views.innovation_detail, name="detail"),
    path("innovations/<slug:slug>/help/", views.help_request, name="help_request"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme_detail"),
    path("ics/<slug:slug>/", views.icb_detail, name="icb_detail"),
    path("ics/<slug:slug>/proven-elsewhere/", workspace.proven_elsewhere, name="proven_elsewhere"),
    path("workspace/", workspace.workspace_home, name="workspace_home"),
    path("ics/<slug:slug>/workspace/", workspace.workspace, name="workspace"),
    path("ics/<slug:slug>/workspace/shortlists/", workspace.shortlist_create, name="shortlist_create"),
    path("ics/<slug:slug>/workspace/submit/", workspace.submit_innovation, name="submit"),
    path("ics/<slug:slug>/workspace/submissions/<int:pk>/", workspace.submission, name="submission"),
    path(
        "ics/<slug:slug>/workspace/adoptions/<slug:innovation_slug>/",
        workspace.record_adoption,
        name="record_adoption",
    ),
    path("shortlists/<int:pk>/", workspace.shortlist_detail, name="shortlist"),
    path("shortlists/<int:pk>/add/", workspace.shortlist_add, name="shortlist_add"),
    path("shortlists/<int:pk>/items/<int:item_pk>/", workspace.shortlist_item_update, name="shortlist_item"),
    path("shortlists/<int:pk>/lock/", workspace.shortlist_lock, name="shortlist_lock"),
    path("shortlists/<int:pk>/items/<int:item_pk>/decision/", workspace.shortlist_decision, name="shortlist_decision"),
    path("shortlists/add/<slug:innovation_slug>/", workspace.shortlist_choose, name="shortlist_choose"),
    path("shortlists/<int:pk>/export.<str:extension>", workspace.shortlist_export, name="shortlist_export"),
    path("shortlists/<int:pk>/print/", workspace.shortlist_print, name="shortlist_print"),
]
