"""Staff record consents and opt-outs received by phone, letter, email or in the shop."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import ConsentEvent, ConsentPurpose, Customer
from tests.conftest import login_with_second_factor
from tests.factories import make_consent, make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def purpose():
    return ConsentPurpose.objects.create(
        code="catalogue_post",
        name_sv="Katalog per post",
        name_fi="Luettelo postitse",
        name_nb="Katalog i posten",
        name_en="Catalogue by post",
        channel=ConsentPurpose.Channel.POST,
    )


def url(customer):
    return reverse("admin:customers_customer_record_consent", args=[customer.pk])


def test_customer_service_appends_a_consent_received_by_letter(service_client, customer_service, purpose):
    customer = make_customer()
    response = service_client.post(
        url(customer),
        {
            "purpose": purpose.pk,
            "action": "granted",
            "via": "letter",
            "evidence": "Signed reply card dated 3 March, filed in binder 2026/1",
        },
    )
    assert response.status_code == 302
    event = customer.consent_events.get()
    assert (event.purpose, event.action, event.via) == (purpose, "granted", ConsentEvent.Via.LETTER)
    assert event.recorded_by == customer_service
    assert event.evidence.startswith("Signed reply card")
    assert customer.has_consent(purpose)
    assert Customer.objects.marketable(purpose.code).filter(pk=customer.pk).exists()


def test_an_opt_out_by_phone_is_a_new_event_and_stops_marketing(dpo_client, dpo, purpose):
    customer = make_customer()
    first = make_consent(customer, purpose.code, occurred_at=timezone.now() - datetime.timedelta(days=2))
    response = dpo_client.post(
        url(customer),
        {
            "purpose": purpose.pk,
            "action": "withdrawn",
            "via": "phone",
            "evidence": "Customer called from the number on file",
            "occurred_at": (timezone.now() - datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
        },
    )
    assert response.status_code == 302
    # Append-only: the grant is still there, unchanged, followed by the withdrawal.
    assert customer.consent_events.count() == 2
    first.refresh_from_db()
    assert first.action == "granted" and first.recorded_by is None
    latest = customer.latest_consent_event(purpose)
    assert (latest.action, latest.via, latest.recorded_by) == ("withdrawn", "phone", dpo)
    assert not Customer.objects.marketable(purpose.code).filter(pk=customer.pk).exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"action": "granted", "via": "phone", "evidence": "  "}, "evidence"),
        ({"action": "granted", "via": "checkout", "evidence": "x"}, "via"),
        ({"action": "granted", "via": "unsubscribe", "evidence": "x"}, "via"),
        (
            {"action": "granted", "via": "phone", "evidence": "x", "occurred_at": "2999-01-01 10:00"},
            "occurred_at",
        ),
    ],
)
def test_incomplete_or_wrong_entries_are_refused(service_client, purpose, data, field):
    customer = make_customer()
    response = service_client.post(url(customer), {"purpose": purpose.pk, **data})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not customer.consent_events.exists()


def test_outsider_cannot_record(client, outsider, purpose):
    customer = make_customer()
    login_with_second_factor(client, outsider)
    response = client.post(
        url(customer), {"purpose": purpose.pk, "action": "granted", "via": "phone", "evidence": "x"}
    )
    assert response.status_code in (302, 403)
    assert not customer.consent_events.exists()


def test_erased_customer_gets_no_new_consent(service_client, purpose):
    customer = make_customer(erased_at=timezone.now())
    response = service_client.post(
        url(customer), {"purpose": purpose.pk, "action": "granted", "via": "phone", "evidence": "x"}
    )
    assert response.status_code == 403
    assert not customer.consent_events.exists()


def test_change_page_offers_the_form_to_whoever_may_record(service_client, purpose):
    customer = make_customer()
    page = service_client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    assert url(customer).encode() in page.content


def test_the_ledger_stays_append_only(purpose, dpo):
    customer = make_customer()
    event = customer.record_consent_by_staff(
        purpose, "granted", via="in_shop", evidence="At the till", by=dpo
    )
    event.evidence = "changed"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    with pytest.raises(ValueError):
        customer.record_consent_by_staff(purpose, "granted", via="import", evidence="x", by=dpo)
