from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "dangjian.orgs"
    label = "orgs"
    verbose_name = "党组织"

    def ready(self) -> None:
        # Rules are declared at import; register them whatever code path runs first.
        import dangjian.orgs.rules  # noqa: F401
