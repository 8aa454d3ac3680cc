from django.urls import include, path

from dangjian.core import document_views, rule_views, views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit"),
    path("", include(document_views.urlpatterns)),
    path("", include(rule_views.urlpatterns)),
]
