"""Root URLconf: includes each app's URLs and the API, nothing else."""

from django.urls import URLPattern, URLResolver, include, path

from dangjian.leadership import urls as leadership_urls
from dangjian.orgs import urls as orgs_urls

# 班子 and 换届 pages have always lived at /orgs/leadership/ under the "orgs" namespace (orgs:leadership_*);
# the leadership app sits above orgs, so the two are joined here rather than by orgs importing it.
orgs_patterns: list[URLPattern | URLResolver] = [path("leadership/", include(leadership_urls)), *orgs_urls.urlpatterns]

urlpatterns = [
    path("", include("dangjian.core.urls")),
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
