from django.urls import include, path

from dangjian.reminders import views

app_name = "reminders"
urlpatterns = [
    path("", include(views.urlpatterns)),
]
