from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        import dangjian.accounts.rules  # noqa: F401
        from dangjian.accounts import signals  # noqa: F401
        from dangjian.accounts.roles import build_scope
        from dangjian.core.scoping import register_scope_builder

        # The role -> scope mapping lives with the roles; core.scoping calls it without importing upwards.
        register_scope_builder(build_scope)
