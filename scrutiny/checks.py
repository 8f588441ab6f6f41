"""`manage.py check --deploy`: on PostgreSQL the application must not run as the audit's owner."""

from __future__ import annotations

from typing import Any

from django.core.checks import Warning, register
from django.db import DatabaseError, connections


@register("database", deploy=True)
def runtime_role_is_not_the_owner(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_userbyid(c.relowner) = current_user OR r.rolsuper "
                "FROM pg_class c, pg_roles r "
                "WHERE c.relname = 'scrutiny_accessevent' AND r.rolname = current_user"
            )
            row = cursor.fetchone()
    except DatabaseError:
        return []
    if row is None or not row[0]:
        return []
    return [
        Warning(
            "The application connects to PostgreSQL as the owner of the access audit (or a superuser), "
            "so it could TRUNCATE the audit or disable its triggers.",
            hint="Set DATABASE_URL to a runtime role set up with manage.py grant_runtime_role, and "
            "MIGRATION_DATABASE_URL to the owner (docs/SECURITY.md §9).",
            id="scrutiny.W011",
        )
    ]
