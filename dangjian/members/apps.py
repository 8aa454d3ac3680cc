from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "dangjian.members"
    label = "members"
    verbose_name = "党员"

    def ready(self) -> None:
        # orgs counts, merges and dissolves with members through these hooks, since it cannot import members.
        from dangjian.members import actions, membership
        from dangjian.orgs import hooks

        hooks.register_member_counts(membership.on_roll_counts)
        hooks.register_merge_handler(actions.move_members_for_merge)
        hooks.register_dissolve_check(membership.dissolve_check)
