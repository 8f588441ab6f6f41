from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Agencies and people"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from agencies.realtime.events import on_user_logged_out

        user_logged_out.connect(on_user_logged_out, dispatch_uid="agencies.realtime.logout")

        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import m2m_changed, post_save, pre_save

        from agencies import access_state
        from agencies.models import User

        user_logged_in.connect(access_state.on_user_logged_in, dispatch_uid="agencies.access.login")
        pre_save.connect(access_state.on_user_pre_save, sender=User, dispatch_uid="agencies.access.pre")
        post_save.connect(access_state.on_user_post_save, sender=User, dispatch_uid="agencies.access.post")
        for through in (User.groups.through, User.user_permissions.through):
            m2m_changed.connect(
                access_state.on_memberships_changed, sender=through, dispatch_uid=f"agencies.access.{through}"
            )

        from agencies import auth_backends, selectors

        auth_backends.connect_signals()
        selectors.connect_notification_signals()

        from agencies.retention import register_agencies_rules

        register_agencies_rules()
