from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dangjian.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        """Discover what each app registers from its own modules: audit action codes (`audit_codes`) and
        measures (`measures`), so the ground floor never lists what the apps above it do."""
        from django.utils.module_loading import autodiscover_modules

        from dangjian.core import measures

        autodiscover_modules("audit_codes")
        measures.discover()
