"""Root URLconf: includes each app's URLs and the API, nothing else."""

from typing import cast

from django.urls import URLPattern, URLResolver, include, path

from dangjian.core import urls as core_urls
from dangjian.leadership import urls as leadership_urls
from dangjian.orgs import urls as orgs_urls
from dangjian.reports import urls as reports_urls

Patterns = list[URLPattern | URLResolver]
# 班子 and 换届 pages have always lived at /orgs/leadership/ under the "orgs" namespace (orgs:leadership_*);
# the leadership app sits above orgs, so the two are joined here rather than by orgs importing it.
orgs_patterns: Patterns = [path("leadership/", include(leadership_urls)), *orgs_urls.urlpatterns]
_core_namespace: Patterns = [*reports_urls.urlpatterns, *cast(Patterns, core_urls.urlpatterns)]

urlpatterns = [
    # The home page (reports) keeps its name `core:home`: both are mounted in the one `core` namespace here.
    path("", include((_core_namespace, core_urls.app_name))),
    path("accounts/", include("dangjian.accounts.urls")),
    path("orgs/", include((orgs_patterns, orgs_urls.app_name))),
    path("members/", include("dangjian.members.urls")),
    path("orglife/", include("dangjian.orglife.urls")),
    path("reminders/", include("dangjian.reminders.urls")),
    path("recruitment/", include("dangjian.recruitment.urls")),
    path("transfers/", include("dangjian.transfers.urls")),
    path("dues/", include("dangjian.dues.urls")),
    path("learning/", include("dangjian.learning.urls")),
    path("appraisal/", include("dangjian.appraisal.urls")),
    path("api/v1/", include("dangjian.api.urls")),
]
