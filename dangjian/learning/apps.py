from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "dangjian.learning"
    label = "learning"
    verbose_name = "学习培训"

    def ready(self) -> None:
        # Rules are declared at import; register them whatever code path runs first.
        import dangjian.learning.rules  # noqa: F401
        from dangjian.learning import meeting_study
        from dangjian.orglife import hooks

        # One trip: a study meeting's record and 学时 are written when it is submitted (dangjian.orglife.hooks).
        hooks.study_policy_source(meeting_study.policy)
        hooks.after_submit(meeting_study.create_on_submit)
