from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    """班子, 届次 and 换届: above members (whose members hold the posts), below orglife (which reads the posts)."""

    name = "dangjian.leadership"
    label = "leadership"
    verbose_name = "班子和换届"

    def ready(self) -> None:
        # Rules are declared at import; register them whatever code path runs first.
        import dangjian.leadership.rules  # noqa: F401
        from dangjian.leadership import checks
        from dangjian.orgs import checks as org_checks

        org_checks.register(checks.warnings_for)
