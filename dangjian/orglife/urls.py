from django.urls import include, path

from dangjian.orglife import views
from dangjian.orglife.compliance import views as compliance_views
from dangjian.orglife.signin import views as signin_views
from dangjian.orglife.talks import views as talk_views

app_name = "orglife"
urlpatterns = [
    path("", include(views.urlpatterns)),
    path("compliance/", include(compliance_views.urlpatterns)),
    path("", include(talk_views.urlpatterns)),
    path("", include(signin_views.urlpatterns)),
]
