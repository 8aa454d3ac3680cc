from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "dangjian.appraisal"
    label = "appraisal"
    verbose_name = "民主评议党员"

    def ready(self) -> None:
        # Rules are declared at import; register them whatever code path runs first.
        import dangjian.appraisal.rules  # noqa: F401
