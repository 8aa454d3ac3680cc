# SCAFFOLD — replaced by the API work in this session. No app_name: names are global ("api-docs", "api-schema").
from django.http import HttpResponse
from django.urls import path

urlpatterns = [
    path("schema/", lambda r: HttpResponse(""), name="api-schema"),
    path("docs/", lambda r: HttpResponse(""), name="api-docs"),
]
