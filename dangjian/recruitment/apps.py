from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "dangjian.recruitment"
    label = "recruitment"
    verbose_name = "发展党员"

    def ready(self) -> None:
        # Rules are declared at import; register them whatever code path runs first.
        import dangjian.recruitment.documents  # noqa: F401
        import dangjian.recruitment.rules  # noqa: F401
