"""What the breach register holds about customers.

A breach record describes an incident for the authority and the shop's own accountability
(GDPR Art. 33(5)); personal data appear in it only as far as the data-protection officer writes
them into its free texts, which are kept as the record of the incident. The per-customer notice
rows say that a customer was told of a breach (Art. 34): they belong to that customer's data,
are part of an access report, and stay after erasure as evidence that the notice was given.
"""

from breaches.models import Breach, BreachNotice, BreachNotification, BreachReminder
from register.registry import KEEP, Personal, registry

registry.register_without_personal_data(
    Breach,
    reason="An incident record written by the data-protection officer; it names no customer by field.",
)
registry.register_without_personal_data(
    BreachNotification, reason="What was sent to the supervisory authority about an incident."
)
registry.register_without_personal_data(
    BreachReminder, reason="That staff were reminded of an incident's 72-hour clock on a day."
)
registry.register(
    BreachNotice,
    category="breach_notices",
    path="customer",
    personal={
        "breach": Personal(erase=KEEP, export="breach__title"),
        "language": Personal(erase=KEEP),
        "channel": Personal(erase=KEEP),
        "sent_at": Personal(erase=KEEP),
    },
    not_personal=["id", "customer", "sent_by"],
)
