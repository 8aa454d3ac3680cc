from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dangjian.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app declares its audit action codes in its own `audit_codes` module (registered with core.audit),
        # so the ground floor never lists what the apps above it do.
        autodiscover_modules("audit_codes")
