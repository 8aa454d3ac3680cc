from django.urls import include, path

from dangjian.members import lookup_views, views
from dangjian.members.imports import views as import_views

app_name = "members"
urlpatterns = [
    path("", include(views.urlpatterns)),
    path("lookup/", lookup_views.lookup, name="lookup"),
    path("import/", include(import_views.urlpatterns)),
]
