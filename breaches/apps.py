from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BreachesConfig(AppConfig):
    name = "breaches"
    verbose_name = _("Personal-data breaches")

    def ready(self) -> None:
        # The lower apps know nothing of this one: it hands the admin index its dashboard and the
        # reminder command its breach reminders through their hooks.
        from breaches.dashboard import dashboard_panel
        from breaches.reminders import remind_breaches
        from register.reminders import register_reminder
        from staff.sites import register_index_panel

        register_index_panel(dashboard_panel)
        register_reminder(remind_breaches)
