"""Compliance pages (owned by the compliance work)."""

urlpatterns: list = []
