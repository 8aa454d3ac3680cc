from django.urls import include, path

from dangjian.core import views
from dangjian.core.documents import views as document_views
from dangjian.core.measures import views as measure_views
from dangjian.core.rules import views as rule_views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit"),
    path("", include(document_views.urlpatterns)),
    path("", include(rule_views.urlpatterns)),
    path("", include(measure_views.urlpatterns)),
]
