from django.apps import AppConfig


class OrglifeConfig(AppConfig):
    name = "dangjian.orglife"
    label = "orglife"
    verbose_name = "组织生活"

    def ready(self) -> None:
        # Rules are declared at import; register them whatever code path runs first.
        import dangjian.orglife.documents  # noqa: F401
        import dangjian.orglife.rules  # noqa: F401
