from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dangjian.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        """Discover the measures each app registers in its own `measures` module."""
        from dangjian.core import measures

        measures.discover()
