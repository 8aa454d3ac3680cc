from django.urls import include, path

from dangjian.orglife import compliance_views, views

app_name = "orglife"
urlpatterns = [
    path("", include(views.urlpatterns)),
    path("compliance/", include(compliance_views.urlpatterns)),
]
