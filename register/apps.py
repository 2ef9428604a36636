from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "register"
    verbose_name = _("Register description")

    def ready(self) -> None:
        # Each app declares its personal data in <app>/privacy.py (register.registry); the
        # system check kundregister.E001/E002 then finds anything undeclared. Each app's
        # roles.py grants the customer-service role its permissions (register.roles), and its
        # retention.py registers the retention rules for its data (register.retention).
        from django.utils.module_loading import autodiscover_modules

        from register import (
            checks,  # noqa: F401  (registers the system check)
            timestamps,  # noqa: F401  (reads times with psycopg's compiled loader)
        )

        autodiscover_modules("privacy", "roles", "retention")
