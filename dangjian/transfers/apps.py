from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "dangjian.transfers"
    label = "transfers"
    verbose_name = "组织关系转接"

    def ready(self) -> None:
        # Rules are declared at import; register them whatever code path runs first.
        import dangjian.transfers.rules  # noqa: F401
