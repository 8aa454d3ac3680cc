"""Meeting pages (owned by the meetings work)."""

urlpatterns: list = []
