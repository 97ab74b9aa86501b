from django.urls import path

from . import views

app_name = "networks"

urlpatterns = [
    path("networks/", views.network_list, name="network_list"),
    path("networks/<slug:slug>/", views.network_detail, name="network_detail"),
    path("ics/", views.icb_list, name="icb_list"),
]
