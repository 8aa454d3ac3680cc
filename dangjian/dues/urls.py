from django.urls import include, path

from dangjian.dues import views

app_name = "dues"
urlpatterns = [
    path("", include(views.urlpatterns)),
]
