from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "requests"
    label = "requests"
    verbose_name = _("Data-subject requests")

    def ready(self) -> None:
        # This app sends and records the notice that a restriction will be lifted (GDPR
        # Art. 18(3)); the customer admin's "Lift restriction" asks it when that was.
        from customers.admin import lift_notice_providers
        from requests.rights import lift_notice_sent_at

        lift_notice_providers.append(lift_notice_sent_at)

        # Large reports are built by the worker; the queue's sweep finds those whose worker died.
        from register import outbox
        from requests.background import sweep_reports

        outbox.SWEEPERS.append(sweep_reports)
