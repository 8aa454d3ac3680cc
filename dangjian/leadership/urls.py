"""班子 and 换届 pages, mounted at /orgs/leadership/ inside the "orgs" URL namespace (dangjian.urls), so their
paths and names (orgs:leadership_board, …) stay what they have always been."""

from django.urls import path

from dangjian.leadership import views

urlpatterns = [
    path("board/", views.board, name="leadership_board"),
    path("board/export/", views.board_export, name="leadership_board_export"),
    path("org/<int:pk>/", views.org_page, name="leadership_org"),
    path("org/<int:pk>/terms/new/", views.term_new, name="leadership_term_new"),
    path("org/<int:pk>/election/", views.election, name="leadership_election"),
    path("org/<int:pk>/appoint/", views.appoint, name="leadership_appoint"),
    path("holding/<int:pk>/end/", views.end_post, name="leadership_end_post"),
    path("term/<int:pk>/step/", views.step, name="leadership_step"),
    path("term/<int:pk>/adjust/", views.adjust, name="leadership_adjust"),
]
