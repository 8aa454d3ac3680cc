from django.urls import include, path

from dangjian.learning import views

app_name = "learning"
urlpatterns = [
    path("", include(views.urlpatterns)),
]
