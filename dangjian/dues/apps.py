from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "dangjian.dues"
    label = "dues"
    verbose_name = "党费"

    def ready(self) -> None:
        # Rules are declared at import; register them whatever code path runs first.
        import dangjian.dues.rules  # noqa: F401
