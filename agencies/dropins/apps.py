from django.apps import AppConfig


class DropinsConfig(AppConfig):
    """ISVA drop-ins: part of agencies (agencies serving each other), kept as its own
    Django app so its models and migrations stand apart from identity's."""

    name = "agencies.dropins"
    label = "dropins"
    verbose_name = "ISVA drop-ins"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from agencies.dropins.retention import register_rules

        register_rules()
