import logging

from django.apps import AppConfig


class ScrutinyConfig(AppConfig):
    name = "scrutiny"
    verbose_name = "Scrutiny panels"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from scrutiny.reporting import CaseContentLogFilter

        # Records logged from scrutiny code lose their interpolation arguments on every handler of
        # the root logger, so a careless log call cannot write case text to a log.
        for handler in logging.getLogger().handlers:
            if not any(isinstance(f, CaseContentLogFilter) for f in handler.filters):
                handler.addFilter(CaseContentLogFilter())

        from scrutiny.retention import register_rules

        register_rules()
