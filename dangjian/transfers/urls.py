from django.urls import include, path

from dangjian.transfers import views

app_name = "transfers"
urlpatterns = [
    path("", include(views.urlpatterns)),
]
