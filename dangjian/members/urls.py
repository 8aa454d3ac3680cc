from django.urls import include, path

from dangjian.members import import_views, views

app_name = "members"
urlpatterns = [
    path("", include(views.urlpatterns)),
    path("import/", include(import_views.urlpatterns)),
]
