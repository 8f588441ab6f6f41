from django.apps import AppConfig


class VictimsConfig(AppConfig):
    """Victim liaison: each CPS area's Victim Liaison Officer (VLO) team, the single point of
    contact partners use. Organisational records only: victims are never users and are never
    named here. Part of agencies, kept as its own Django app like the drop-ins."""

    name = "agencies.victims"
    label = "victims"
    verbose_name = "Victim liaison"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from agencies.victims.meetings.retention import register_rules

        register_rules()
