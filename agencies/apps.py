from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Agencies and people"
    default_auto_field = "django.db.models.BigAutoField"
