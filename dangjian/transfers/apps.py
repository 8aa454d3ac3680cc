from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "dangjian.transfers"
    label = "transfers"
    verbose_name = "组织关系转接"

    def ready(self) -> None:
        # Rules are declared at import; register them whatever code path runs first.
        import dangjian.transfers.rules  # noqa: F401
        from dangjian.orglife import hooks
        from dangjian.transfers.roll_notes import roll_notes

        # The attendance sheet shows members away or out of contact apart (dangjian.orglife.hooks).
        hooks.roll_note_source(roll_notes)
