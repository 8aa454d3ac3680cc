from django.urls import include, path

from dangjian.core import document_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit"),
    path("", include(document_views.urlpatterns)),
]
