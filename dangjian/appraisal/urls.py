from django.urls import include, path

from dangjian.appraisal import views

app_name = "appraisal"
urlpatterns = [
    path("", include(views.urlpatterns)),
]
