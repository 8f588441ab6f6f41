from django.apps import AppConfig


class ScrutinyConfig(AppConfig):
    name = "scrutiny"
    verbose_name = "Scrutiny panels"
    default_auto_field = "django.db.models.BigAutoField"
