from django.urls import path

from planwatch.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.agency_list, name="list"),
    path("unresolved/", views.unresolved, name="unresolved"),
    path("unresolved/<str:code>/map/", views.map_unresolved, name="map"),
    path("groups/<slug:code>/", views.group_detail, name="group"),
    path("<slug:code>/", views.agency_detail, name="agency"),
]
