from django.apps import AppConfig


class ActionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "actions"
    verbose_name = "取組と評価"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from actions import tallies
        from actions.accounts import admin as accounts_admin
        from actions.accounts import first_login
        from plans import versions

        accounts_admin.register()
        user_logged_in.connect(first_login.mark_session, dispatch_uid="first_login_mark")
        # Cached figures and pages change with every saved row but the history, accounts and
        # the reminders sent.
        versions.watch(
            self, exclude=("AuditEntry", "StaffProfile", "ReminderLog", "ImportJob", "StatusTally")
        )
        # Every write counts the figures' tallies again, in its own transaction.
        versions.on_change(tallies.refresh)
