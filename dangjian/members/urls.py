from django.urls import include, path

from dangjian.members import views
from dangjian.members.imports import views as import_views

app_name = "members"
urlpatterns = [
    path("", include(views.urlpatterns)),
    path("import/", include(import_views.urlpatterns)),
]
