"""Signed events to recipients' webhooks: signature, retries, failure, and no loss after a killed worker."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from register import events, outbox
from register.models import OutboxMessage, Recipient
from tests.factories import make_complete_register, make_customer

SECRET = "whsec_0123456789abcdefghijklmnopqrstuv"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*", verbosity=0
    )


def webhook_recipient(url: str) -> Recipient:
    register = make_complete_register()
    recipient = Recipient.objects.filter(register=register).receiving_customer_data().get()
    recipient.webhook_url = url
    recipient.webhook_secret = SECRET
    recipient.save()
    return recipient


def queue_rectified(customer=None) -> OutboxMessage:
    (message,) = events.queue_event(
        events.EventType.RECTIFIED, customer or make_customer(), fields=["email"], request_number="R-1"
    )
    return message


def later(seconds: float):
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(seconds=seconds))


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_TASKS


@pytest.mark.django_db(transaction=True)  # the worker commits, as in production
def test_the_receiver_gets_a_signed_event_it_can_verify_with_the_secret(receiver, database_queue):
    webhook_recipient(receiver.url)
    customer = make_customer(customer_number="C-77")
    message = queue_rectified(customer)
    assert receiver.received == []  # nothing leaves before the worker runs (after commit)

    run_worker()

    (post,) = receiver.received
    assert post.headers["Content-Type"] == "application/json"
    assert post.headers["Kundregister-Event"] == "customer.rectified"
    assert events.verify(post.body, post.headers["Kundregister-Signature"], SECRET)
    assert not events.verify(post.body, post.headers["Kundregister-Signature"], SECRET + "x")
    assert not events.verify(post.body + b" ", post.headers["Kundregister-Signature"], SECRET)
    document = json.loads(post.body)
    assert document["type"] == "customer.rectified"
    assert document["id"].startswith("evt_")
    assert document["customer"] == {"external_id": None, "customer_number": "C-77"}
    assert document["fields"] == ["email"]
    assert document["request"] == "R-1"
    assert document["occurred_at"]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1 and message.sent_at
    assert (message.target, message.body) == ("", "")  # delivered: nothing of it kept


@pytest.mark.django_db
def test_the_signature_follows_the_documented_scheme():
    header = events.sign(b'{"a":1}', "s3cret", 1700000000)
    timestamp, mac = header.split(",")
    assert timestamp == "t=1700000000"
    import hashlib
    import hmac

    assert mac == "v1=" + hmac.new(b"s3cret", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    # A receiver refuses an event signed long ago (a replay).
    assert events.verify(b'{"a":1}', header, "s3cret", now=1700000000 + 60)
    assert not events.verify(b'{"a":1}', header, "s3cret", now=1700000000 + 3600)
    assert not events.verify(b'{"a":1}', "garbage", "s3cret", now=1700000000)


@pytest.mark.django_db(transaction=True)  # the worker commits, as in production
def test_a_failing_receiver_is_retried_with_backoff_until_it_accepts(receiver, database_queue):
    receiver.statuses = [500, 200]
    webhook_recipient(receiver.url)
    message = queue_rectified()

    run_worker()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED
    assert message.attempts == 1
    assert message.last_error == "DeliveryError: the receiver answered HTTP 500"
    assert message.next_attempt_at > timezone.now()
    assert message.body  # kept for the retry

    with mock.patch("django.utils.timezone.now", return_value=message.next_attempt_at + timedelta(seconds=1)):
        run_worker()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
    assert len(receiver.received) == 2
    first, second = (json.loads(post.body) for post in receiver.received)
    assert first["id"] == second["id"]  # the same event, so the receiver can de-duplicate
    assert all(events.verify(p.body, p.headers["Kundregister-Signature"], SECRET) for p in receiver.received)


@pytest.mark.django_db
def test_a_receiver_that_keeps_failing_ends_failed_with_its_last_error(receiver):
    receiver.statuses = [503]
    webhook_recipient(receiver.url)
    message = queue_rectified()  # the test backend delivers at once: attempt 1
    for _attempt in range(outbox.MAX_ATTEMPTS - 1):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)
        outbox.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == outbox.MAX_ATTEMPTS == len(receiver.received)
    assert "HTTP 503" in message.last_error

    receiver.statuses = [200]
    assert outbox.resend([message]) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


@pytest.mark.django_db
def test_a_redirect_is_a_failed_delivery_not_followed(receiver):
    receiver.statuses = [302]
    webhook_recipient(receiver.url)
    message = queue_rectified()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED
    assert "HTTP 302" in message.last_error
    assert len(receiver.received) == 1


@pytest.mark.django_db
def test_an_unreachable_receiver_is_retried():
    webhook_recipient("http://127.0.0.1:9/nobody-listens")
    message = queue_rectified()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED
    assert message.attempts == 1 and message.last_error


@pytest.mark.django_db
def test_recipients_without_a_webhook_get_no_event():
    make_complete_register()
    assert events.queue_event(events.EventType.ERASED, make_customer()) == []
    assert not OutboxMessage.objects.exists()


# --- A worker killed mid-delivery -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the worker commits, as in production
def test_a_worker_killed_after_claiming_loses_nothing_and_the_sweep_delivers_once(receiver, database_queue):
    webhook_recipient(receiver.url)
    message = queue_rectified()
    with mock.patch("register.outbox._send", side_effect=KeyboardInterrupt), pytest.raises(KeyboardInterrupt):
        outbox.deliver(message.pk)  # claimed, then the worker dies before sending anything
    message.refresh_from_db()
    assert message.attempts == 1 and message.claimed_until is not None

    # While the claim runs, neither the queued task nor the sweep sends it.
    run_worker()
    assert outbox.sweep() == 0
    assert receiver.received == []

    with later(outbox.CLAIM_SECONDS + 1):
        assert outbox.sweep() == 1  # re-queued on the database queue
        run_worker()
        run_worker()
    assert len(receiver.received) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


@pytest.mark.django_db(transaction=True)  # the worker commits, as in production
def test_a_delivered_and_recorded_event_is_never_sent_again(receiver, database_queue):
    webhook_recipient(receiver.url)
    message = queue_rectified()
    run_worker()
    assert len(receiver.received) == 1

    with later(outbox.CLAIM_SECONDS + 1):
        assert outbox.sweep() == 0
        assert outbox.deliver(message.pk) == OutboxMessage.Status.SENT  # a duplicate task does nothing
        run_worker()
    assert len(receiver.received) == 1


@pytest.mark.django_db(transaction=True)  # the worker commits, as in production
def test_a_worker_killed_between_sending_and_recording_sends_the_same_event_again(receiver, database_queue):
    """At least once: the receiver may see an event twice, always with the same id to de-duplicate on."""
    webhook_recipient(receiver.url)
    message = queue_rectified()
    with (
        mock.patch("register.outbox._record_success", side_effect=KeyboardInterrupt),
        pytest.raises(KeyboardInterrupt),
    ):
        outbox.deliver(message.pk)
    assert len(receiver.received) == 1

    with later(outbox.CLAIM_SECONDS + 1):
        assert outbox.sweep() == 1
        run_worker()
    assert len(receiver.received) == 2
    first, second = (json.loads(post.body)["id"] for post in receiver.received)
    assert first == second
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


# --- The recipient's webhook settings ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "debug", "valid"),
    [
        ("https://shop.example/hooks", False, True),
        ("http://shop.example/hooks", False, False),
        ("http://shop.example/hooks", True, False),
        ("http://localhost:8080/hooks", True, True),
        ("http://127.0.0.1:8080/hooks", False, False),
        ("ftp://shop.example/hooks", True, False),
    ],
)
def test_webhook_urls_are_https_only_except_this_machine_while_developing(settings, url, debug, valid):
    settings.DEBUG = debug
    recipient = Recipient(webhook_url=url, webhook_secret=SECRET)
    try:
        recipient.clean()
    except ValidationError as exc:
        assert not valid
        assert "webhook_url" in exc.message_dict
    else:
        assert valid


@pytest.mark.django_db
def test_a_webhook_needs_a_long_secret():
    recipient = Recipient(webhook_url="https://shop.example/hooks", webhook_secret="short")
    with pytest.raises(ValidationError) as caught:
        recipient.clean()
    assert "webhook_secret" in caught.value.message_dict


@pytest.mark.django_db
def test_the_admin_never_shows_the_secret_again_and_keeps_it_when_left_empty(dpo_client):

    recipient = webhook_recipient("https://shop.example/hooks")
    url = reverse("admin:register_recipient_change", args=[recipient.pk])
    page = dpo_client.get(url).content.decode()
    assert SECRET not in page
    assert SECRET[-4:] in page  # its ending, to tell which secret is saved

    form = dpo_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list | dict)
    }
    data.update({"webhook_url": "https://shop.example/hooks/v2", "webhook_secret": ""})
    response = dpo_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    recipient.refresh_from_db()
    assert recipient.webhook_url == "https://shop.example/hooks/v2"
    assert recipient.webhook_secret == SECRET
    # The history keeps the URL, never the secret.
    assert "webhook_secret" not in {f.name for f in Recipient.history.model._meta.fields}
    assert recipient.history.latest().webhook_url == "https://shop.example/hooks/v2"


@pytest.mark.django_db
def test_a_past_version_of_a_recipient_shows_no_secret(dpo_client):
    recipient = webhook_recipient("https://shop.example/hooks")
    version = recipient.history.first()
    url = reverse("admin:register_recipient_simple_history", args=[recipient.pk, version.history_id])
    response = dpo_client.get(url)
    assert response.status_code == 200
    assert SECRET not in response.content.decode()


@pytest.mark.django_db
def test_staff_who_may_only_view_a_recipient_see_the_secrets_ending_only(service_client):
    recipient = webhook_recipient("https://shop.example/hooks")
    page = service_client.get(reverse("admin:register_recipient_change", args=[recipient.pk]))
    assert page.status_code == 200
    assert "https://shop.example/hooks" in page.content.decode()
    assert SECRET not in page.content.decode()
    assert SECRET[-4:] in page.content.decode()
    register_url = reverse("admin:register_register_change", args=[recipient.register_id])
    register_page = service_client.get(register_url)
    assert register_page.status_code == 200
    assert SECRET not in register_page.content.decode()
