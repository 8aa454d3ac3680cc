from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "dangjian.learning"
    label = "learning"
    verbose_name = "学习培训"

    def ready(self) -> None:
        # Rules are declared at import; register them whatever code path runs first.
        import dangjian.learning.rules  # noqa: F401
