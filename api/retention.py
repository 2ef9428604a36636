"""The retention rule of the webhook log: ``webhook_deliveries`` (GDPR Art. 5(1)(e)).

The log of deliveries from the shop keeps each delivery's topic, id, time and outcome, and the body of a
malformed one, which may name a customer (an order the register could not read). The rule deletes the
deliveries received before its period. Whatever the period, the last ``DEDUP_DAYS`` stay: the log is
also how a delivery the shop sends again is recognised and not processed twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from api.models import Integration, WebhookDelivery
from register.models import CountsFrom, RetentionKey
from register.retention import Purger, Rule, Step, register_rule
from requests import demo

# Days of deliveries kept whatever the period: Shopify sends a delivery again for up to 48 hours.
DEDUP_DAYS = 7


@register_rule
class WebhookDeliveries(Rule):
    """Deliveries of the shop's webhooks received before the period: delete."""

    key = RetentionKey.WEBHOOK_DELIVERIES
    events = (CountsFrom.CREATION,)

    @property
    def cutoff(self) -> datetime:
        return min(super().cutoff, self.now - timedelta(days=DEDUP_DAYS))

    def steps(self) -> list[Step]:
        candidates = WebhookDelivery.objects.filter(received_at__lt=self.cutoff)
        return [Step(candidates, "received_at", self.delete)]

    @staticmethod
    def delete(pks: list, purger: Purger) -> None:
        purger.delete(WebhookDelivery, pks)


def add_demo_deliveries(now: datetime | None = None) -> dict[str, int]:
    """Old deliveries of a demo integration, for the demo's retention run (``requests.demo``). The integration
    is inactive: its address answers 404, so its secret, written here, signs nothing."""
    now = now or timezone.now()
    integration, _created = Integration.objects.get_or_create(
        slug="demo-shop",
        defaults={
            "name": "Demo shop",
            "kind": Integration.Kind.WOOCOMMERCE,
            "secret": "demo-secret-unused",
            "active": False,
        },
    )
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            integration=integration,
            topic="order.updated",
            delivery_id=f"demo-{n}",
            received_at=now - timedelta(days=400 + n),
            outcome=WebhookDelivery.Outcome.MALFORMED if n == 0 else WebhookDelivery.Outcome.PROCESSED,
            body='{"billing": {"first_name": "Demo"}}' if n == 0 else "",
        )
        for n in range(3)
    )
    return {"webhook_deliveries": len(deliveries)}


demo.MORE_EXAMPLES.append(add_demo_deliveries)
