from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Agencies and people"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from agencies.events import on_user_logged_out

        user_logged_out.connect(on_user_logged_out, dispatch_uid="agencies.realtime.logout")
