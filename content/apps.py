from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Good-practice content"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from content.restrictions import connect_signals

        connect_signals()
