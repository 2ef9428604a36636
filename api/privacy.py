"""What the integration app holds: keys, integrations and logs, no customer data of their own.

The delivery log keeps a body only when it could not be processed, for staff to see what the shop sent;
a processed delivery keeps its topic, id, time, outcome and the numbers of what it wrote.
"""

from api.models import ApiKey, FiledRequest, IdempotentAnswer, Integration, WebhookDelivery
from register.registry import registry

registry.register_without_personal_data(ApiKey, reason="API keys of the shop's integrations (hashes only).")
registry.register_without_personal_data(Integration, reason="Webhook senders: shop domain and secret.")
registry.register_without_personal_data(
    WebhookDelivery,
    reason=(
        "Delivery log: topic, delivery id, time, outcome; a body is kept only when malformed, and the rule "
        "webhook_deliveries deletes the log after its period."
    ),
)
registry.register_without_personal_data(
    IdempotentAnswer,
    reason=(
        "The first answer to a write (record numbers, outcomes), returned to retries; deleted after 24 hours "
        "or when its key is revoked."
    ),
)
registry.register_without_personal_data(FiledRequest, reason="Which key or integration filed a request.")
