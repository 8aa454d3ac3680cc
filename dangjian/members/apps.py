from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "dangjian.members"
    label = "members"
    verbose_name = "党员"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # The member page's sections from the apps above this one (dangjian.members.sections).
        autodiscover_modules("member_section")

        # A merge moves the members; a dissolution waits until no one is on the roll (dangjian.orgs.hooks).
        from dangjian.members.actions import dissolve_blocker, move_members_for_merge
        from dangjian.orgs import hooks

        hooks.on_merge(move_members_for_merge)
        hooks.before_dissolve(dissolve_blocker)
