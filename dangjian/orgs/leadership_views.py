"""班子 and 换届 pages (owned by the leadership work)."""

urlpatterns: list = []
