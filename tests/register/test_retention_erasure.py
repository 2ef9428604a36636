"""The customer_inactive rule anonymises through the erasure workflow of erasure requests."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import ConsentEvent, Customer, Order
from register.retention import run_purge
from requests.models import ErasureRecord, LegalClaim
from tests.factories import make_consent, make_customer, make_order, make_published_retention_register

pytestmark = pytest.mark.django_db


def test_inactive_customer_is_erased_by_erase_customer_and_orders_get_a_purge_date(settings, dpo):
    settings.SHOP_COUNTRY = "FI"
    make_published_retention_register()
    long_ago = timezone.now() - timedelta(days=5 * 365)
    customer = make_customer(last_activity_at=long_ago, created_at=long_ago)
    order = make_order(customer, placed_at=long_ago)
    make_consent(customer, occurred_at=long_ago)
    claimed = make_customer(last_activity_at=long_ago, created_at=long_ago)
    LegalClaim.objects.create(customer=claimed, note="Disputed payment", noted_by=dpo)

    run = run_purge(only="customer_inactive")

    result = run.results.get()
    assert result.status == "done", result.error
    assert result.total == 1
    customer.refresh_from_db()
    order.refresh_from_db()
    assert customer.erased_at is not None
    assert customer.first_name != "Anna" and "anna" not in customer.email
    record = ErasureRecord.objects.get(customer=customer)
    assert record.request is None and record.erased_by is None
    assert record.reason.startswith("Retention rule customer_inactive")
    assert order.purge_after is not None
    # The ledger keeps only the withdrawal that proves marketing ended.
    assert list(ConsentEvent.objects.filter(customer=customer).values_list("action", flat=True)) == [
        "withdrawn"
    ]
    # No history copy of the erased values remains.
    assert not customer.history.filter(first_name="Anna").exists()
    claimed.refresh_from_db()
    assert claimed.erased_at is None

    assert run_purge(only="customer_inactive").results.get().total == 0


def test_erased_consents_keep_the_withdrawal_written_by_erasure(settings):
    make_published_retention_register()
    long_ago = timezone.now() - timedelta(days=5 * 365)
    customer = make_customer(last_activity_at=long_ago, created_at=long_ago)
    make_consent(customer, occurred_at=long_ago)
    run_purge(only="customer_inactive")
    # Something recorded for the erased customer later (e.g. an import) is not proof.
    make_consent(customer, purpose="sms_marketing", occurred_at=timezone.now())
    Customer.objects.filter(pk=customer.pk).update(erased_at=timezone.now() - timedelta(days=31))

    result = run_purge(only="erased_consents").results.get()

    assert result.total == 1
    assert list(ConsentEvent.objects.filter(customer=customer).values_list("action", flat=True)) == [
        "withdrawn"
    ]
    assert Order.objects.count() == 0
