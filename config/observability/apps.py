from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "config.observability"
    label = "observability"
    verbose_name = "Observability"

    def ready(self) -> None:
        from agencies.dropins import services
        from config.metrics import counted_booking_create

        # Booking outcomes: every view and API call books through this one service function.
        services.booking_create = counted_booking_create(services.booking_create)
