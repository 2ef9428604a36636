"""GDPR Art. 19 by machine: each trigger posts a signed event; the task is done once it is accepted."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.models import ConsentEvent, record_marketing_objection
from register import events, outbox
from register.models import OutboxMessage, Recipient
from register.retention import run_purge
from requests.erasure import erase_for_request
from requests.models import RecipientNotification, Request
from requests.rectification import apply_rectification, record_proposals
from requests.rights import apply_restriction, lift_restriction, send_lift_notice
from tests.factories import (
    make_complete_register,
    make_consent,
    make_customer,
    make_matched_request,
    make_published_retention_register,
)

pytestmark = pytest.mark.django_db

SECRET = "whsec_abcdefghijklmnopqrstuvwxyz0123"
IDENTITY_NUMBER = "131052-308T"
BANK_ACCOUNT = "FI21 1234 5600 0007 85"


@pytest.fixture
def shop(receiver):
    """The register's recipient of customer data takes events at the local receiver."""
    register = make_complete_register()
    recipient = Recipient.objects.filter(register=register).receiving_customer_data().get()
    recipient.webhook_url = receiver.url
    recipient.webhook_secret = SECRET
    recipient.email = ""
    recipient.save()
    return receiver


def received(receiver) -> list[dict]:
    for post in receiver.received:
        assert events.verify(post.body, post.headers["Kundregister-Signature"], SECRET)
    return [json.loads(post.body) for post in receiver.received]


def customer_with_secrets(**fields):
    return make_customer(
        customer_number="C-1001", identity_number=IDENTITY_NUMBER, bank_account=BANK_ACCOUNT, **fields
    )


def assert_no_values(receiver, *values):
    raw = b"".join(post.body for post in receiver.received).decode()
    for value in values:
        assert value not in raw


def test_rectification_sends_the_changed_field_names_and_marks_the_task_done(shop, dpo):
    customer = customer_with_secrets(city="Helsingfors")
    request = make_matched_request([customer], kind=Request.Kind.RECTIFICATION)
    record_proposals(request, {"city": "Åbo", "email": "ny.adress@example.net"})

    apply_rectification(request, customer, {"city": "Åbo", "email": "ny.adress@example.net"}, by=dpo)

    (event,) = received(shop)
    assert event["type"] == "customer.rectified"
    assert event["customer"] == {"external_id": None, "customer_number": "C-1001"}
    assert event["fields"] == ["city", "email"]
    assert event["request"] == request.number
    assert_no_values(shop, "Åbo", "\\u00c5bo", "ny.adress", IDENTITY_NUMBER, BANK_ACCOUNT, customer.email)
    task = RecipientNotification.objects.get(request=request)
    assert task.status == RecipientNotification.Status.SENT
    assert task.done_at and task.done_by is None
    assert request.events.filter(detail__contains="webhook").exists()


def test_erasure_sends_an_event_naming_the_customer_as_before_the_erasure(shop, dpo):
    customer = customer_with_secrets()
    request = make_matched_request([customer], kind=Request.Kind.ERASURE)

    erase_for_request(request, by=dpo)

    (event,) = received(shop)
    assert event["type"] == "customer.erased"
    assert event["customer"]["customer_number"] == "C-1001"
    assert {"email", "first_name", "identity_number"} <= set(event["fields"])
    assert_no_values(shop, IDENTITY_NUMBER, BANK_ACCOUNT, customer.email, customer.last_name)
    task = RecipientNotification.objects.get(request=request, action="erasure")
    assert task.status == RecipientNotification.Status.SENT


def test_a_retention_erasure_sends_the_event_too_and_a_dry_run_sends_none(receiver, settings):
    settings.SHOP_COUNTRY = "FI"
    register = make_published_retention_register()
    recipient = Recipient.objects.filter(register=register).receiving_customer_data().get()
    recipient.webhook_url, recipient.webhook_secret = receiver.url, SECRET
    recipient.save()
    long_ago = timezone.now() - timedelta(days=5 * 365)
    customer = customer_with_secrets(last_activity_at=long_ago, created_at=long_ago, external_id="shop-77")
    recent = make_customer(customer_number="C-2002")

    assert run_purge(only="customer_inactive", dry_run=True).results.get().total == 1
    assert received(receiver) == []

    assert run_purge(only="customer_inactive").results.get().total == 1

    (event,) = received(receiver)
    assert event["type"] == "customer.erased"
    # Named as the shop knows the customer, though the erasure cleared the shop's id.
    assert event["customer"] == {"external_id": "shop-77", "customer_number": "C-1001"}
    assert {"email", "first_name", "identity_number"} <= set(event["fields"])
    assert event["request"] is None
    assert_no_values(receiver, IDENTITY_NUMBER, BANK_ACCOUNT, customer.email, customer.last_name)
    recent.refresh_from_db()
    assert recent.erased_at is None


def test_restriction_sends_an_event(shop, dpo):
    customer = customer_with_secrets()
    request = make_matched_request([customer], kind=Request.Kind.RESTRICTION)

    apply_restriction(request, by=dpo)

    (event,) = received(shop)
    assert (event["type"], event["request"]) == ("customer.restricted", request.number)
    assert RecipientNotification.objects.get(request=request).status == RecipientNotification.Status.SENT


def test_lifting_the_restriction_sends_an_event_so_the_shop_processes_again(shop, dpo, dpo_client):
    customer = customer_with_secrets()
    request = make_matched_request([customer], kind=Request.Kind.RESTRICTION)
    apply_restriction(request, by=dpo)
    send_lift_notice(request, by=dpo)

    assert lift_restriction(request, by=dpo) == 1

    restricted, lifted = received(shop)
    assert restricted["type"] == "customer.restricted"
    assert (lifted["type"], lifted["request"]) == ("customer.restriction_lifted", request.number)
    assert lifted["customer"]["customer_number"] == "C-1001"
    # Restricted and lifted again in the customer admin: the shop hears of both, with no request.
    dpo_client.post(
        reverse("admin:customers_customer_changelist"),
        {"action": "restrict_processing", "_selected_action": [customer.pk]},
    )
    send_lift_notice(request, by=dpo)
    dpo_client.post(
        reverse("admin:customers_customer_changelist"),
        {"action": "lift_restriction", "_selected_action": [customer.pk]},
    )
    customer.refresh_from_db()
    assert not customer.is_restricted
    assert [(event["type"], event["request"]) for event in received(shop)[2:]] == [
        ("customer.restricted", None),
        ("customer.restriction_lifted", None),
    ]


def test_a_lift_refused_sends_nothing(shop, dpo):
    customer = customer_with_secrets()
    customer.restrict("accuracy contested", by=dpo)
    with pytest.raises(ValueError):
        customer.lift_restriction(by=dpo, notified_at=None)
    assert received(shop) == []


def test_a_withdrawn_consent_sends_an_event_so_the_shop_stops_mailing(shop):
    customer = customer_with_secrets()
    make_consent(customer, "newsletter_email")
    assert shop.received == []  # a grant is not an event

    customer.withdraw_consent("newsletter_email", via=ConsentEvent.Via.UNSUBSCRIBE)

    (event,) = received(shop)
    assert event["type"] == "consent.withdrawn"
    assert event["purposes"] == ["newsletter_email"]
    assert event["request"] is None
    assert_no_values(shop, customer.email, IDENTITY_NUMBER)


def test_withdrawals_imported_from_the_shop_are_not_sent_back_to_it(shop):
    customer = customer_with_secrets()
    customer.withdraw_consent("newsletter_email", via=ConsentEvent.Via.IMPORT)
    assert shop.received == []


def test_an_objection_sends_one_event_with_the_purposes_it_withdrew(shop):
    customer = customer_with_secrets()
    make_consent(customer, "newsletter_email")

    record_marketing_objection(customer, via=ConsentEvent.Via.REQUEST, evidence="R-2026-0001")

    (event,) = received(shop)
    assert event["type"] == "objection.recorded"
    assert event["purposes"] == ["newsletter_email"]
    assert event["request"] == "R-2026-0001"


def test_the_shops_own_id_names_the_customer_when_the_register_has_it(shop):
    customer = customer_with_secrets()
    customer.external_id = "woo-4711"  # set by the shop's integration where it exists
    events.queue_event(events.EventType.RESTRICTED, customer)
    (event,) = received(shop)
    assert event["customer"] == {"external_id": "woo-4711", "customer_number": "C-1001"}


# --- A receiver that fails ---------------------------------------------------------------------


def test_a_failing_receiver_leaves_the_task_to_do_until_a_retry_is_accepted(shop, dpo):
    shop.statuses = [500, 200]
    customer = customer_with_secrets()
    request = make_matched_request([customer], kind=Request.Kind.RESTRICTION)
    apply_restriction(request, by=dpo)
    task = RecipientNotification.objects.get(request=request)
    assert task.status == RecipientNotification.Status.PENDING
    (message,) = task.event_messages.all()
    assert message.status == OutboxMessage.Status.QUEUED and "HTTP 500" in message.last_error

    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)
    outbox.deliver(message.pk)

    task.refresh_from_db()
    assert task.status == RecipientNotification.Status.SENT
    assert len(shop.received) == 2


def test_a_receiver_that_keeps_failing_turns_the_task_red_and_the_dpo_can_resend(shop, dpo, dpo_client):
    shop.statuses = [500]
    customer = customer_with_secrets()
    request = make_matched_request([customer], kind=Request.Kind.ERASURE)
    erase_for_request(request, by=dpo)
    task = RecipientNotification.objects.get(request=request)
    (message,) = task.event_messages.all()
    for _attempt in range(outbox.MAX_ATTEMPTS - 1):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)
        outbox.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    task.refresh_from_db()
    assert task.status == RecipientNotification.Status.PENDING

    listing = dpo_client.get(reverse("admin:requests_recipientnotification_changelist")).content.decode()
    assert 'class="attention-now">Failed: not delivered' in listing
    assert f"({outbox.MAX_ATTEMPTS} attempts)" in listing
    page = dpo_client.get(reverse("admin:requests_recipientnotification_change", args=[task.pk]))
    assert "the receiver answered HTTP 500" in page.content.decode()

    shop.statuses = [200]
    response = dpo_client.post(
        reverse("admin:register_outboxmessage_changelist"),
        {"action": "send_again", "_selected_action": [message.pk]},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == RecipientNotification.Status.SENT
    listing = dpo_client.get(reverse("admin:requests_recipientnotification_changelist")).content.decode()
    assert "Delivered" in listing


def test_the_task_list_does_not_grow_queries_with_its_rows(shop, dpo, dpo_client):
    def restrict_another():
        customer = make_customer(identity_number=IDENTITY_NUMBER, bank_account=BANK_ACCOUNT)
        apply_restriction(make_matched_request([customer], kind=Request.Kind.RESTRICTION), by=dpo)

    url = reverse("admin:requests_recipientnotification_changelist")
    restrict_another()
    dpo_client.get(url)
    with CaptureQueriesContext(connection) as one:
        dpo_client.get(url)
    for _n in range(3):
        restrict_another()
    with CaptureQueriesContext(connection) as four:
        assert dpo_client.get(url).content.decode().count("Delivered") == 4
    assert len(four) == len(one)


def test_a_restriction_made_in_the_customer_admin_is_sent_too(shop, dpo_client):
    customer = customer_with_secrets()
    response = dpo_client.post(
        reverse("admin:customers_customer_changelist"),
        {"action": "restrict_processing", "_selected_action": [customer.pk]},
    )
    assert response.status_code == 302
    (event,) = received(shop)
    assert (event["type"], event["request"]) == ("customer.restricted", None)
