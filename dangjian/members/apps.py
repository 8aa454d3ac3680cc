from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "dangjian.members"
    label = "members"
    verbose_name = "党员"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # The member page's sections from the apps above this one (dangjian.members.sections).
        autodiscover_modules("member_section")
