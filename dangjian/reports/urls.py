"""The reports pages. The home page keeps its name `core:home` (the login redirect, the navigation and bookmarks
use it): the root URLconf mounts these patterns in the `core` namespace, so core itself never imports reports."""

from django.urls import path

from dangjian.reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.my_page, name="mine"),
]
