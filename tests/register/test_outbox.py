"""The outgoing-message queue: after commit only, retried with backoff, visible when it fails, never lost."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from register import outbox
from register.models import OutboxMessage

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SMTP_DOWN = mock.patch(
    "django.core.mail.EmailMultiAlternatives.send", side_effect=SMTPServerDisconnected("connection refused")
)


def run_worker():
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*", verbosity=0
    )


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_TASKS


@pytest.mark.django_db(transaction=True)
def test_nothing_is_queued_or_sent_when_the_transaction_rolls_back(database_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.queue_email(to=["anna@example.com"], subject="Hello", body="Text")
        raise RuntimeError("the change failed after the email was queued")
    run_worker()
    assert not OutboxMessage.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_mail_leaves_only_through_the_worker_after_commit(database_queue):
    with transaction.atomic():
        message = outbox.queue_email(to=["anna@example.com"], subject="Hello", body="Text")
        assert mail.outbox == []
    assert DBTaskResult.objects.count() == 1
    assert mail.outbox == []

    run_worker()

    assert [m.to for m in mail.outbox] == [["anna@example.com"]]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1
    # Delivered: the address and the text are no longer kept in the queue.
    assert (message.target, message.body, message.html) == ("", "", "")
    assert message.subject == "Hello"


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_server_delays_the_message_with_backoff(database_queue):
    message = outbox.queue_email(to=["anna@example.com"], subject="Hello", body="Text")
    with SMTP_DOWN:
        run_worker()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED
    assert message.attempts == 1
    assert "SMTPServerDisconnected" in message.last_error
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert message.target == "anna@example.com"
    # The retry is on the queue, to run when its time comes.
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after == message.next_attempt_at

    with mock.patch("django.utils.timezone.now", return_value=message.next_attempt_at + timedelta(seconds=1)):
        run_worker()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_backoff_grows_and_spans_more_than_a_day():
    waits = outbox.RETRY_DELAYS
    assert all(later >= earlier for earlier, later in zip(waits, waits[1:], strict=False))
    assert sum(waits, timedelta()) > timedelta(hours=24)


@pytest.mark.django_db
def test_a_message_is_marked_failed_when_the_retries_are_used_up_and_can_be_sent_again():
    with SMTP_DOWN:
        message = outbox.queue_email(to=["anna@example.com"], subject="Hello", body="Text")
        for _attempt in range(outbox.MAX_ATTEMPTS - 1):
            OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)
            outbox.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == outbox.MAX_ATTEMPTS
    assert message.body == "Text"  # kept, so it can be sent again

    assert outbox.resend([message]) == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_message_claimed_by_a_worker_that_died_is_delivered_once_after_the_claim_expires():
    with mock.patch("register.outbox._send", side_effect=KeyboardInterrupt):
        message = OutboxMessage.objects.create(
            channel="email", target="anna@example.com", subject="S", body="B"
        )
        with pytest.raises(KeyboardInterrupt):
            outbox.deliver(message.pk)
    message.refresh_from_db()
    assert message.attempts == 1 and message.claimed_until is not None

    # While the claim runs, neither a duplicate task nor the sweep sends it.
    assert outbox.deliver(message.pk) == OutboxMessage.Status.QUEUED
    assert outbox.sweep() == 0
    assert mail.outbox == []

    later = timezone.now() + timedelta(seconds=outbox.CLAIM_SECONDS + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert outbox.sweep() == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1
    assert outbox.deliver(message.pk) == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_send_queued_messages_command_delivers_due_messages_now():
    with SMTP_DOWN:
        outbox.queue_email(to=["anna@example.com"], subject="Hello", body="Text")
    OutboxMessage.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    call_command("send_queued_messages", "--now", verbosity=0)
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


@pytest.mark.django_db
def test_cancel_for_stops_undelivered_messages_and_empties_all_of_them():
    with SMTP_DOWN:
        waiting = outbox.queue_email(
            to=["a@example.com"], subject="S", body="Hej Anna", reference="requests.request:7"
        )
    sent = outbox.queue_email(to=["a@example.com"], subject="S", body="Hej", reference="requests.request:7")
    other = outbox.queue_email(
        to=["b@example.com"], subject="S", body="Hej Bo", reference="requests.request:8"
    )
    OutboxMessage.objects.filter(pk=sent.pk).update(body="left over")

    assert outbox.cancel_for(["requests.request:7"]) == 1

    waiting.refresh_from_db()
    sent.refresh_from_db()
    other.refresh_from_db()
    assert waiting.status == OutboxMessage.Status.CANCELLED
    assert (waiting.target, waiting.body) == ("", "")
    assert sent.status == OutboxMessage.Status.SENT and sent.body == ""
    assert other.body == ""  # delivered normally, emptied on delivery


# --- Admin ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_see_a_failed_message_with_its_error_and_send_it_again(dpo_client):
    with SMTP_DOWN:
        message = outbox.queue_email(to=["anna@example.com"], subject="Your request R-1", body="Text")
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.FAILED)

    listing = dpo_client.get(reverse("admin:register_outboxmessage_changelist") + "?status=failed")
    assert listing.status_code == 200
    assert "Your request R-1" in listing.content.decode()
    page = dpo_client.get(reverse("admin:register_outboxmessage_change", args=[message.pk]))
    assert "SMTPServerDisconnected" in page.content.decode()

    response = dpo_client.post(
        reverse("admin:register_outboxmessage_changelist"),
        {"action": "send_again", "_selected_action": [message.pk]},
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


@pytest.mark.django_db
def test_customer_service_sees_the_queue_but_an_outsider_does_not(service_client, client, outsider):
    url = reverse("admin:register_outboxmessage_changelist")
    assert service_client.get(url).status_code == 200
    client.force_login(outsider)
    assert client.get(url).status_code == 302  # to the login page


@pytest.mark.django_db
def test_the_task_librarys_own_admin_page_is_not_exposed(dpo_client):
    assert dpo_client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 404
