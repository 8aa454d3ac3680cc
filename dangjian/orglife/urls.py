from django.urls import include, path

from dangjian.orglife import compliance_views, views
from dangjian.orglife.talks import views as talk_views

app_name = "orglife"
urlpatterns = [
    path("", include(views.urlpatterns)),
    path("compliance/", include(compliance_views.urlpatterns)),
    path("", include(talk_views.urlpatterns)),
]
