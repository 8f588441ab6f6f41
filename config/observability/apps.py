from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "config.observability"
    label = "observability"
    verbose_name = "Observability"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from agencies.dropins import services
        from config.observability import request_id

        request_started.connect(request_id.on_request_started, dispatch_uid="observability-request-id")
        request_finished.connect(request_id.on_request_finished, dispatch_uid="observability-request-id")
        from config.metrics import counted_booking_create

        # Booking outcomes: every view and API call books through this one service function.
        services.booking_create = counted_booking_create(services.booking_create)
