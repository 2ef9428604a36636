"""The webhook log's retention rule: old deliveries go, malformed bodies with them; a week always stays."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import Integration, WebhookDelivery
from api.retention import DEDUP_DAYS
from register.models import PurgeRuleResult
from register.retention import run_purge
from tests.factories import make_published_retention_register

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def shop():
    return Integration.objects.create(name="Shop", kind=Integration.Kind.SHOPIFY, secret="s" * 24)


def delivery(shop, days_ago: float, **fields) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        integration=shop,
        topic="orders/updated",
        delivery_id=f"d-{days_ago}",
        dedup_key=f"event-{days_ago}",
        received_at=NOW - timedelta(days=days_ago),
        outcome=fields.pop("outcome", WebhookDelivery.Outcome.PROCESSED),
        **fields,
    )


def run(**kwargs) -> PurgeRuleResult:
    result = run_purge(only="webhook_deliveries", now=NOW, **kwargs).results.get()
    assert result.status == PurgeRuleResult.Status.DONE, result.error
    return result


def test_deliveries_older_than_the_period_are_deleted_with_their_bodies(shop):
    make_published_retention_register(webhook_deliveries=(90, "days", "creation"))
    old_malformed = delivery(
        shop, 91, outcome=WebhookDelivery.Outcome.MALFORMED, body='{"billing": {"email": "anna@example.fi"}}'
    )
    old = delivery(shop, 120)
    young = delivery(shop, 89, outcome=WebhookDelivery.Outcome.MALFORMED, body="{")

    assert run(dry_run=True).total == 2
    assert WebhookDelivery.objects.count() == 3

    assert run().total == 2
    assert list(WebhookDelivery.objects.all()) == [young]
    assert not WebhookDelivery.objects.filter(pk__in=[old_malformed.pk, old.pk]).exists()
    assert run().total == 0


def test_a_week_of_deliveries_stays_whatever_the_period_so_repeats_are_still_recognised(shop):
    make_published_retention_register(webhook_deliveries=(1, "days", "creation"))
    recent = delivery(shop, DEDUP_DAYS - 1)
    delivery(shop, DEDUP_DAYS + 1)

    assert run().total == 1
    assert list(WebhookDelivery.objects.all()) == [recent]
