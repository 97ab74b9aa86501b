from django.urls import path

from . import feeds, views

app_name = "reviews"

urlpatterns = [
    path("publications/", views.publication_list, name="list"),
    path("publications/feed/", feeds.PublicationFeed(), name="feed"),
    path("publications/feed/<slug:kind>/", feeds.PublicationFeed(), name="kind_feed"),
    path("publications/<slug:slug>/", views.publication_detail, name="detail"),
]
