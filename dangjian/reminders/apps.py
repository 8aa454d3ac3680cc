from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "dangjian.reminders"
    label = "reminders"
    verbose_name = "待办提醒"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Declare the reminder rules at start-up, so the rule list shows them before the first run.
        from dangjian.core.reminders import rules  # noqa: F401

        # Each app registers its sources from its own `reminders` module (dangjian.core.reminders.registry).
        autodiscover_modules("reminders")
