"""One durable queue for everything the register sends: email now, signed webhooks through the same path.

A message is a row (``OutboxMessage``) written in the same transaction as the change it reports, so a
rollback leaves no message and a committed change always has its message. Delivery runs on the task
queue (django-tasks; by default its database backend, so no extra server is needed): with the database
backend the delivery task is written in that same transaction, with any other backend it is enqueued
after commit. Nothing is ever sent from inside a transaction that could still roll back.

Delivery is at least once: a worker claims a due message with a lease, sends it outside any
transaction, then records the outcome. A failure is retried with exponential backoff
(``RETRY_DELAYS``, more than 24 hours in all); when the retries are used up the message is marked
failed and stays in the admin under **Outgoing messages**, where staff see the error and can send it
again. A worker killed mid-delivery leaves the claim to expire; ``manage.py send_queued_messages``
(run by cron, and at every worker start by ``make run``) hands expired claims and due retries back to
the queue, so nothing is lost.

Once delivered, a message's recipient and text are removed: the record of what a customer was told is
the request's correspondence, and the queue keeps only the subject, the reference and the times.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from register.models import OutboxMessage

logger = logging.getLogger(__name__)

# Waits before each retry: 1, 2, 4 … minutes, then every 4 hours; 14 attempts span about 29 hours, so a
# mail server or webhook receiver that is down for a day delays a message, never loses it.
RETRY_DELAYS = [timedelta(minutes=2**n) for n in range(8)] + [timedelta(hours=4)] * 6
MAX_ATTEMPTS = len(RETRY_DELAYS)
# A claim longer than this is taken to belong to a worker that died; the message is delivered again.
CLAIM_SECONDS = 300


def reference_for(obj: models.Model) -> str:
    """The reference stored on a message about ``obj``: ``app_label.model:pk``."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def queue_email(
    *,
    to: Iterable[str],
    subject: str,
    body: str,
    html: str | None = None,
    reference: str = "",
    language: str = "",
    notify: str = "",
) -> OutboxMessage:
    """Queue an email; it is sent once the current transaction commits (or now, outside one).

    ``notify`` is the dotted path of a function ``f(message)`` called when the message is finally
    delivered or finally given up on.
    """
    recipients = [address for address in to if address]
    if not recipients:
        raise ValueError("an email needs at least one recipient")
    message = OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.EMAIL,
        target="\n".join(recipients),
        subject=subject[:255],
        body=body,
        html=html or "",
        reference=reference[:100],
        language=language,
        notify=notify,
    )
    schedule(message)
    return message


def queue_webhook(
    *,
    url: str,
    body: str,
    deliverer: str,
    subject: str = "",
    headers: dict | None = None,
    reference: str = "",
    notify: str = "",
) -> OutboxMessage:
    """Queue a webhook POST; ``deliverer`` is the dotted path of ``f(message) -> None`` that sends it.

    The deliverer signs the body at send time (a signature carries the time of sending) and raises
    on anything but a 2xx answer.
    """
    message = OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.WEBHOOK,
        target=url,
        subject=subject[:255],
        body=body,
        headers=headers or {},
        deliverer=deliverer,
        reference=reference[:100],
        notify=notify,
    )
    schedule(message)
    return message


# --- Scheduling ----------------------------------------------------------------------------------


def _writes_to_database(backend) -> bool:
    """Whether the task backend stores tasks in this database (so enqueueing is part of the transaction)."""
    return type(backend).__module__.startswith(("django_tasks_db", "django_tasks.backends.immediate"))


def schedule(message: OutboxMessage, at: datetime | None = None) -> None:
    """Hand ``message`` to the task queue, to be delivered at ``at`` (default: as soon as possible)."""
    deliver = deliver_message
    backend = deliver.get_backend()
    if at is not None:
        if not backend.supports_defer:
            # The sweep (send_queued_messages) picks the retry up when it is due.
            return
        deliver = deliver.using(run_after=at)
    if _writes_to_database(backend):
        # The task row is written in the caller's transaction: committed with the message or not at all.
        deliver.enqueue(message.pk)
    else:
        transaction.on_commit(lambda: deliver.enqueue(message.pk), robust=True)


# Other durable background work registers how to find its lost tasks here (e.g. large reports,
# requests.apps); ``send_queued_messages`` runs each after the messages' own sweep.
SWEEPERS: list[Callable[[], int]] = []


def sweep_other_work() -> int:
    """Run every registered sweeper; return how many tasks they handed back to the queue."""
    return sum(sweeper() for sweeper in SWEEPERS)


def sweep(now: datetime | None = None) -> int:
    """Hand every due message back to the queue: retries that are due and claims that expired.

    Returns how many were handed over. Safe to run at any time: delivery claims each message once.
    """
    now = now or timezone.now()
    due = OutboxMessage.objects.due(now).values_list("pk", flat=True)
    count = 0
    for pk in due.iterator():
        deliver_message.enqueue(pk)
        count += 1
    return count


# --- Delivery ------------------------------------------------------------------------------------


@task()
def deliver_message(message_id: int) -> str:
    """Deliver one queued message (the task the workers run); returns the message's status."""
    return deliver(message_id)


def deliver(message_id: int, now: datetime | None = None) -> str:
    """Claim, send and record one message; return its status afterwards.

    A message that is not due, already delivered or claimed by a live worker is left alone, so a
    duplicate task does nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id)
            .filter(OutboxMessage.objects.due_q(now))
            .first()
        )
        if message is None:
            current = OutboxMessage.objects.filter(pk=message_id).values_list("status", flat=True).first()
            return current or "missing"
        message.attempts += 1
        message.claimed_until = now + timedelta(seconds=CLAIM_SECONDS)
        message.save(update_fields=["attempts", "claimed_until"])
    try:
        _send(message)
    except Exception as exc:  # noqa: BLE001 (any failure of the receiver is retried)
        return _record_failure(message, exc)
    return _record_success(message)


def _send(message: OutboxMessage) -> None:
    if message.deliverer:
        import_string(message.deliverer)(message)
        return
    if message.channel != OutboxMessage.Channel.EMAIL:
        raise ValueError(f"no deliverer for a {message.channel} message")
    mail = EmailMultiAlternatives(
        message.subject, message.body, settings.DEFAULT_FROM_EMAIL, message.recipients()
    )
    if message.html:
        mail.attach_alternative(message.html, "text/html")
    mail.send()


def _record_success(message: OutboxMessage) -> str:
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxMessage.Status.SENT,
            sent_at=timezone.now(),
            claimed_until=None,
            next_attempt_at=None,
            last_error="",
            # Delivered: the recipient and the text are no longer needed here (data minimisation).
            target="",
            body="",
            html="",
            headers={},
        )
        message.refresh_from_db()
        _notify(message)
    logger.info("Outgoing message %s delivered (attempt %s)", message.pk, message.attempts)
    return message.status


def _record_failure(message: OutboxMessage, exc: Exception) -> str:
    # The error names the failure, not the message: class and text, cut short.
    error = f"{type(exc).__name__}: {exc}"[:1000]
    with transaction.atomic():
        if message.attempts >= MAX_ATTEMPTS:
            OutboxMessage.objects.filter(pk=message.pk).update(
                status=OutboxMessage.Status.FAILED, claimed_until=None, next_attempt_at=None, last_error=error
            )
            message.refresh_from_db()
            _notify(message)
            logger.error(
                "Outgoing message %s failed after %s attempts: %s",
                message.pk,
                message.attempts,
                type(exc).__name__,
            )
            return message.status
        retry_at = timezone.now() + RETRY_DELAYS[message.attempts - 1]
        OutboxMessage.objects.filter(pk=message.pk).update(
            claimed_until=None, next_attempt_at=retry_at, last_error=error
        )
        message.refresh_from_db()
        schedule(message, at=retry_at)
    logger.warning(
        "Outgoing message %s not delivered (attempt %s, %s); next attempt at %s",
        message.pk,
        message.attempts,
        type(exc).__name__,
        retry_at.isoformat(),
    )
    return message.status


def _notify(message: OutboxMessage) -> None:
    if message.notify:
        import_string(message.notify)(message)


# --- Staff actions -------------------------------------------------------------------------------


def resend(messages: Iterable[OutboxMessage]) -> int:
    """Queue failed (or waiting) messages again now, with a fresh set of attempts; return how many."""
    count = 0
    with transaction.atomic():
        pending = OutboxMessage.objects.filter(
            pk__in=[m.pk for m in messages],
            status__in=[OutboxMessage.Status.FAILED, OutboxMessage.Status.QUEUED],
        ).select_for_update()
        for message in pending:
            message.status = OutboxMessage.Status.QUEUED
            message.attempts = 0
            message.next_attempt_at = None
            message.claimed_until = None
            message.save(update_fields=["status", "attempts", "next_attempt_at", "claimed_until"])
            schedule(message)
            count += 1
    return count


def cancel_for(references: Iterable[str]) -> int:
    """Cancel undelivered messages about these references and remove every message's recipient and text.

    Erasure calls this so that no queued or failed message keeps a customer's address or words.
    """
    references = list(references)
    if not references:
        return 0
    rows = OutboxMessage.objects.filter(reference__in=references)
    cancelled = rows.filter(status__in=[OutboxMessage.Status.QUEUED, OutboxMessage.Status.FAILED]).update(
        status=OutboxMessage.Status.CANCELLED, next_attempt_at=None, claimed_until=None
    )
    rows.exclude(Q(target="") & Q(body="") & Q(html="")).update(target="", body="", html="", headers={})
    return cancelled
