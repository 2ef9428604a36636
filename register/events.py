"""Signed events to recipients' webhooks: GDPR Art. 19 done by machine.

When the register rectifies, erases or restricts a customer (or lifts the restriction), or a consent is
withdrawn or an objection recorded, each recipient of customer data that has a webhook URL gets a JSON
event, so the shop can correct or erase its own copy, stop mailing, or process again. An event names the
customer by the shop's id (``external_id``) when the register has one, else by customer number, and lists
the fields that changed, never their values (data minimisation, Art. 5(1)(c)): the receiver reads the new
values through its own channel, and masked fields such as identity numbers never leave in an event.

Events travel on the durable queue (``register.outbox.queue_webhook``): written in the transaction of
the change, delivered after commit, retried with backoff for more than a day, visible and resendable
under *Outgoing messages*. Each attempt is signed when it is sent, the way Stripe signs its webhooks::

    Kundregister-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the secret>

so a receiver can refuse a forged event and an old one replayed (docs/operations.md has a verifying
snippet). The receiver must answer 2xx; anything else is retried.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from register import outbox
from register.models import OutboxMessage, Recipient

SIGNATURE_HEADER = "Kundregister-Signature"
EVENT_HEADER = "Kundregister-Event"
DELIVERER = "register.events.post_event"


class EventType(models.TextChoices):
    RECTIFIED = "customer.rectified"
    ERASED = "customer.erased"
    RESTRICTED = "customer.restricted"
    RESTRICTION_LIFTED = "customer.restriction_lifted"
    CONSENT_WITHDRAWN = "consent.withdrawn"
    OBJECTION_RECORDED = "objection.recorded"


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The value of the signature header for ``body`` sent at ``timestamp`` (Unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(body: bytes, header: str, secret: str, *, tolerance: int = 300, now: float | None = None) -> bool:
    """Check a signature header as a receiver does: right secret, and sent within ``tolerance`` seconds."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > tolerance:
        return False
    expected = sign(body, secret, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def webhook_recipients() -> models.QuerySet[Recipient]:
    """The current register's recipients of customer data that take events by webhook (one query)."""
    return (
        Recipient.objects.filter(register__is_current=True)
        .receiving_customer_data()
        .exclude(webhook_url="")
        .order_by("position", "id")
    )


def customer_reference(customer) -> dict[str, str | None]:
    """How an event names a customer: the shop's own id when known, and always the customer number."""
    return {
        "external_id": getattr(customer, "external_id", "") or None,
        "customer_number": customer.customer_number,
    }


def event_body(
    event_type: str,
    customer,
    *,
    fields: Iterable[str] = (),
    purposes: Iterable[str] = (),
    request_number: str = "",
    occurred_at: datetime | None = None,
) -> dict:
    """The JSON document of one event (without values: field and purpose names only)."""
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": str(event_type),
        "occurred_at": (occurred_at or timezone.now()).isoformat(),
        "customer": customer_reference(customer),
        "fields": sorted(set(fields)),
        "purposes": sorted(set(purposes)),
        "request": request_number or None,
    }


def queue_event(
    event_type: str,
    customer,
    *,
    recipients: Iterable[Recipient] | None = None,
    notify: str = "",
    **details,
) -> list[OutboxMessage]:
    """Queue one signed event per webhook recipient (default: all of them); return the messages.

    Call inside the transaction of the change: the events are committed with it or not at all.
    ``details`` are ``fields``, ``purposes``, ``request_number`` and ``occurred_at`` of ``event_body``.
    """
    if recipients is None:
        recipients = webhook_recipients()
    messages = []
    for recipient in recipients:
        if not recipient.webhook_url:
            continue
        document = event_body(event_type, customer, **details)
        messages.append(
            outbox.queue_webhook(
                url=recipient.webhook_url,
                body=json.dumps(document, separators=(",", ":")),
                deliverer=DELIVERER,
                subject=f"{document['type']} {document['id']}",
                headers={EVENT_HEADER: document["type"]},
                reference=outbox.reference_for(recipient),
                notify=notify,
            )
        )
    return messages


class DeliveryError(Exception):
    """The receiver did not accept the event."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # An event goes to the URL in the register and nowhere else: a redirect is a failed delivery.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _recipient_of(message: OutboxMessage) -> Recipient:
    label, _sep, pk = message.reference.partition(":")
    recipient = None
    if label == Recipient._meta.label_lower and pk.isdigit():
        recipient = Recipient.objects.filter(pk=int(pk)).first()
    if recipient is None or not recipient.webhook_secret:
        raise DeliveryError("the recipient or its signing secret no longer exists")
    return recipient


def post_event(message: OutboxMessage) -> None:
    """Sign and POST one queued event (the outbox's deliverer); raise unless the receiver answers 2xx.

    Signed at send time with the recipient's current secret, so a rotated secret applies to retries.
    """
    recipient = _recipient_of(message)
    body = message.body.encode()
    headers = {
        **message.headers,
        "Content-Type": "application/json",
        "User-Agent": "Kundregister",
        SIGNATURE_HEADER: sign(body, recipient.webhook_secret, int(time.time())),
    }
    # The URL was checked (https only) when the recipient was saved.
    post = urllib.request.Request(message.target, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(post, timeout=settings.WEBHOOK_TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"the receiver answered HTTP {exc.code}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"the receiver answered HTTP {status}")
