"""/api/v1/: one router that reads like a table of contents, plus the schema and its docs page.

No app_name: "api-schema" and "api-docs" are global URL names. The schema and docs answer only to
administrators (党务管理员 or 系统管理员) and are "not found" for everyone else.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from dangjian.accounts.api import TokenViewSet
from dangjian.appraisal import api as appraisal_api
from dangjian.core.api import IsApiAdministrator
from dangjian.core.measures.api import MeasureViewSet
from dangjian.dues import api as dues_api
from dangjian.leadership.api import PostHoldingViewSet, TermViewSet
from dangjian.learning import api as learning_api
from dangjian.members.api import MemberViewSet
from dangjian.orglife.api import MeetingViewSet
from dangjian.orglife.compliance.api import ComplianceViewSet
from dangjian.orgs.api import OrganizationViewSet
from dangjian.recruitment import api as recruitment_api
from dangjian.reminders.api import ReminderViewSet
from dangjian.transfers import api as transfers_api

router = SimpleRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("members", MemberViewSet, basename="member")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("tokens", TokenViewSet, basename="token")
router.register("terms", TermViewSet, basename="term")
router.register("posts", PostHoldingViewSet, basename="post")
router.register("compliance", ComplianceViewSet, basename="compliance")
router.register("reminders", ReminderViewSet, basename="reminder")
router.register("measures", MeasureViewSet, basename="measure")
# The member-lifecycle apps list their own routes.
for app_api in (recruitment_api, transfers_api, dues_api, learning_api, appraisal_api):
    for prefix, viewset, basename in app_api.ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsApiAdministrator]), name="api-schema"),
    # The split view serves its start-up script as a separate file, so the page needs no inline <script>.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", permission_classes=[IsApiAdministrator]),
        name="api-docs",
    ),
]
