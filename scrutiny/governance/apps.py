from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    """Joint governance dashboards, evaluation exports and notification digests. Its own app label
    so its migrations never clash with the scrutiny app's."""

    name = "scrutiny.governance"
    label = "governance"
    verbose_name = "Joint governance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from scrutiny.governance.retention import register_rules

        register_rules()
