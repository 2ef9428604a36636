from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "requests"
    label = "requests"
    verbose_name = _("Data-subject requests")

    def ready(self) -> None:
        # Each app declares its personal data in <app>/privacy.py (requests.registry); the
        # system check kundregister.E001/E002 then finds anything undeclared.
        from django.utils.module_loading import autodiscover_modules

        from requests import checks  # noqa: F401  (registers the system check)

        autodiscover_modules("privacy")
