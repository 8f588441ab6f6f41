import logging
from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def _ensure_audit_guards(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After every migrate: SQLite rebuilds a table to alter it, dropping its triggers."""
    from django.db.migrations.recorder import MigrationRecorder

    from scrutiny.audit import ensure_guards

    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    if ("scrutiny", "0006_audit_chain_and_guards") in applied:
        ensure_guards(connection)


class ScrutinyConfig(AppConfig):
    name = "scrutiny"
    verbose_name = "Scrutiny panels"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from scrutiny import checks  # noqa: F401 (registers the deploy check)
        from scrutiny.audit import register_sqlite_functions

        post_migrate.connect(_ensure_audit_guards, sender=self, dispatch_uid="scrutiny-audit-guards")
        connection_created.connect(register_sqlite_functions, dispatch_uid="scrutiny-audit-sqlite-functions")
        from scrutiny.reporting import CaseContentLogFilter

        # Records logged from scrutiny code lose their interpolation arguments on every handler of
        # the root logger, so a careless log call cannot write case text to a log.
        for handler in logging.getLogger().handlers:
            if not any(isinstance(f, CaseContentLogFilter) for f in handler.filters):
                handler.addFilter(CaseContentLogFilter())

        # Account security events join the hash-chained access audit (agencies never imports us).
        from agencies import audit as security_audit
        from scrutiny.audit.security import chain_access_record, chain_security_event

        security_audit.add_sink(chain_security_event)
        security_audit.add_access_sink(chain_access_record)

        # Backups prove the audit chain they copy (agencies/backups.py; agencies never imports us).
        from agencies import backups
        from scrutiny.audit.verify import audit_state

        backups.set_audit_check(audit_state)

        from scrutiny.retention import register_rules

        register_rules()
