from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "config.observability"
    label = "observability"
    verbose_name = "Observability"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from agencies.dropins.signals import booking_attempted
        from config.observability import request_id

        request_started.connect(request_id.on_request_started, dispatch_uid="observability-request-id")
        request_finished.connect(request_id.on_request_finished, dispatch_uid="observability-request-id")
        from django_tasks.signals import task_enqueued, task_finished, task_started

        from config.observability import tasks

        # Queued tasks log with the ID of the request that queued them (config.observability.tasks).
        task_enqueued.connect(tasks.on_task_enqueued, dispatch_uid="observability-task-request-id")
        task_started.connect(tasks.on_task_started, dispatch_uid="observability-task-request-id")
        task_finished.connect(tasks.on_task_finished, dispatch_uid="observability-task-request-id")
        from config.metrics import count_booking_attempt

        # Booking outcomes: the drop-ins' booking service sends one signal per attempt.
        booking_attempted.connect(count_booking_attempt, dispatch_uid="observability-bookings")
