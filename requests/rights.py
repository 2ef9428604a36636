"""Restriction (GDPR Art. 18), objection (Art. 21), withdrawal (Art. 7(3)) and Art. 19 notices.

Explicit calls, no signals: the requests app calls ``apply_on_verification`` when a request is
verified, and the admin calls the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from customers.models import ConsentEvent, ConsentPurpose, Customer, record_marketing_objection
from register.events import EventType, queue_event
from register.models import OutboxMessage
from requests.emails import request_context, send_email, send_request_email
from requests.identity import require_identity
from requests.models import (
    RecipientNotification,
    Request,
    RequestEvent,
    RequestMessage,
    TransitionError,
)

LIFT_NOTICE_TEMPLATE = "restriction_lift"


# --- Objection and withdrawal: immediate on verification --------------------------------------


def apply_on_verification(request: Request) -> int:
    """Apply an objection or a withdrawal of consent as soon as the request is verified.

    Objection to direct marketing (Art. 21(2), 21(3)) withdraws every marketing purpose of each
    matched customer in the ledger and puts their email and phone on the suppression list;
    withdrawal (Art. 7(3)) withdraws the purposes the customer chose. Ledger events record
    ``via=request`` with the request number as evidence. Returns the number of ledger events
    written; other kinds of request are left alone.
    """
    if request.kind not in (Request.Kind.OBJECTION, Request.Kind.WITHDRAWAL):
        return 0
    evidence = request.number
    written = 0
    with transaction.atomic():
        customers = list(request.customers.all())
        for customer in customers:
            if request.kind == Request.Kind.OBJECTION:
                written += record_marketing_objection(
                    customer, via=ConsentEvent.Via.REQUEST, evidence=evidence
                )
            else:
                codes = list(request.withdrawal_purposes or [])
                written += _withdraw(customer, ConsentPurpose.objects.filter(code__in=codes), evidence)
        request.log(
            RequestEvent.Kind.CONSENT_WITHDRAWN,
            code="ledger_events",
            args={"events": written, "customers": len(customers)},
        )
    return written


def _withdraw(customer: Customer, purposes, evidence: str) -> int:
    """Record a withdrawal for every purpose whose consent is currently granted."""
    current = customer.current_consents()
    count = 0
    for purpose in purposes:
        if current.get(purpose.code):
            customer.withdraw_consent(purpose, via=ConsentEvent.Via.REQUEST, evidence=evidence)
            count += 1
    return count


def confirm_and_close(request: Request, *, by) -> RequestMessage:
    """Send the objection or withdrawal confirmation in the customer's language and complete."""
    templates = {
        Request.Kind.OBJECTION: "objection_confirmation",
        Request.Kind.WITHDRAWAL: "withdrawal_confirmation",
    }
    if request.kind not in templates:
        raise TransitionError(gettext("Only objections and withdrawals are confirmed this way."))
    if not request.email:
        raise TransitionError(gettext("The request has no email address."))
    with transaction.atomic():
        if request.status == Request.Status.VERIFIED:
            request.start(by=by)
        with translation.override(request.language):
            purposes = [
                p.localized_name(request.language)
                for p in ConsentPurpose.objects.filter(code__in=request.withdrawal_purposes or [])
            ]
        message = send_request_email(
            request, templates[request.kind], sent_by=by, extra={"purposes": purposes}
        )
        request.complete(by=by)
    return message


# --- Restriction (Art. 18) -------------------------------------------------------------------


def apply_restriction(request: Request, *, by) -> int:
    """Restrict every customer of a verified restriction request; create the Art. 19 tasks."""
    if request.kind != Request.Kind.RESTRICTION:
        raise TransitionError(gettext("Only a restriction request restricts processing."))
    with transaction.atomic():
        request._lock()
        if not request.is_verified or not request.is_open:
            raise TransitionError(gettext("Only an open, verified request can be applied."))
        if request.match_confirmed_at is None:
            raise TransitionError(gettext("Confirm which customers the request concerns first."))
        require_identity(request)
        count = 0
        for customer in request.customers.all():
            # The reason is the request, by its number: the same in every language.
            customer.restrict(request.number, by=by)
            count += 1
        if request.status == Request.Status.VERIFIED:
            request.start(by=by)
        request.log(RequestEvent.Kind.RESTRICTED, by=by, detail=str(count))
        create_recipient_notifications(request, RecipientNotification.Action.RESTRICTION)
    return count


def send_lift_notice(request: Request, *, by) -> RequestMessage:
    """Tell the customer that the restriction will be lifted (Art. 18(3)); the email is recorded."""
    if not request.email:
        raise TransitionError(gettext("The request has no email address."))
    return send_request_email(request, LIFT_NOTICE_TEMPLATE, sent_by=by)


def latest_lift_notice(customer: Customer) -> RequestMessage | None:
    """The latest recorded lift notice to ``customer`` since the restriction began, if any."""
    messages = RequestMessage.objects.filter(
        template=LIFT_NOTICE_TEMPLATE,
        direction=RequestMessage.Direction.OUTGOING,
        request__customers=customer,
    )
    if customer.restricted_at:
        messages = messages.filter(sent_at__gte=customer.restricted_at)
    return messages.order_by("-sent_at", "-id").first()


def lift_notice_sent_at(customer: Customer) -> datetime | None:
    """When the customer was last told, since the restriction began, that it will be lifted."""
    notice = latest_lift_notice(customer)
    return notice.sent_at if notice is not None else None


def lift_restriction(request: Request, *, by) -> int:
    """Lift the restriction of the request's customers that were told beforehand."""
    lifted = 0
    with transaction.atomic():
        request._lock()
        for customer in request.customers.filter(restricted_at__isnull=False):
            notice = latest_lift_notice(customer)
            if notice is None:
                raise TransitionError(
                    gettext("Tell the customer before lifting the restriction (GDPR Art. 18(3)).")
                )
            customer.lift_restriction(by=by, notified_at=notice.sent_at, request_number=request.number)
            lifted += 1
    return lifted


# --- Art. 19: recipients ---------------------------------------------------------------------


def receiving_recipients():
    """The recipients of the current register that receive customer data (GDPR Art. 19)."""
    from register.models import Recipient, Register

    register = Register.objects.current()
    if register is None:
        return Recipient.objects.none()
    return Recipient.objects.filter(register=register).receiving_customer_data().order_by("position", "id")


EVENT_TYPES = {
    RecipientNotification.Action.RECTIFICATION: EventType.RECTIFIED,
    RecipientNotification.Action.ERASURE: EventType.ERASED,
    RecipientNotification.Action.RESTRICTION: EventType.RESTRICTED,
}
EVENT_OUTCOME = "requests.rights.event_outcome"


def create_recipient_notifications(
    request: Request, action: str, *, customers: Iterable[Customer] | None = None, fields: Iterable[str] = ()
) -> list[RecipientNotification]:
    """Create one Art. 19 task per recipient that receives customer data (idempotent); return new ones.

    ``action`` is ``"rectification"``, ``"erasure"`` or ``"restriction"``. A recipient with a webhook
    is also sent one signed event per customer (``customers``, default: the request's), naming the
    ``fields`` changed; its task is marked done when the receiver has accepted every event. Call in
    the transaction of the change.
    """
    if action not in RecipientNotification.Action.values:
        raise ValueError(f"unknown action {action!r}")
    created = []
    customers = list(request.customers.all() if customers is None else customers)
    fields = list(fields)
    for recipient in receiving_recipients():
        with translation.override(recipient.register.language if recipient.register_id else None):
            name = str(recipient.name)
        notification, is_new = RecipientNotification.objects.get_or_create(
            request=request,
            recipient=recipient,
            action=action,
            defaults={"recipient_name": name[:200], "recipient_email": recipient.email},
        )
        if is_new:
            created.append(notification)
        if recipient.webhook_url:
            events = [
                message
                for customer in customers
                for message in queue_event(
                    EVENT_TYPES[action],
                    customer,
                    recipients=[recipient],
                    notify=EVENT_OUTCOME,
                    fields=fields,
                    request_number=request.number,
                )
            ]
            notification.event_messages.add(*events)
            # A backend that runs tasks at once has delivered them before they were linked here.
            delivered = OutboxMessage.objects.filter(
                pk__in=[e.pk for e in events], status=OutboxMessage.Status.SENT
            )
            for message in delivered:
                event_outcome(message)
    if created:
        request.log(
            RequestEvent.Kind.RECIPIENTS_NOTIFIED,
            detail=", ".join(n.recipient_name for n in created)[:1000],
        )
    return created


def event_outcome(message: OutboxMessage) -> None:
    """Mark an Art. 19 task done once its recipient's webhook accepted all its events (outbox hook).

    Called by the outbox in the transaction that records the final outcome. A failed event leaves
    the task to do; the admin shows it red with the receiver's last error.
    """
    if message.status != OutboxMessage.Status.SENT:
        return
    tasks = RecipientNotification.objects.filter(
        event_messages=message, status=RecipientNotification.Status.PENDING
    ).select_related("request")
    for notification in tasks:
        if notification.event_messages.exclude(status=OutboxMessage.Status.SENT).exists():
            continue
        try:
            notification.mark_sent(by=None)
        except TransitionError:
            continue  # closed by staff a moment ago
        notification.request.log(
            RequestEvent.Kind.MESSAGE_SENT,
            detail=gettext("Art. 19 event accepted by the webhook of %(name)s")
            % {"name": notification.recipient_name},
        )


def send_recipient_notification(notification: RecipientNotification, *, by) -> None:
    """Email the recipient about the action and mark the task sent.

    The email names the customer by customer number only: the recipient already holds the data
    and needs no more to find it (data minimisation, Art. 5(1)(c)).
    """
    if not notification.recipient_email:
        raise TransitionError(gettext("This recipient has no notification email in the register."))
    with transaction.atomic():
        # Locked first: two staff members sending at once send one email, not two.
        notification.lock()
        _send_recipient_notification(notification, by=by)


def _send_recipient_notification(notification: RecipientNotification, *, by) -> None:
    request = notification.request
    language = "en"
    if notification.recipient_id and notification.recipient.register_id:
        language = notification.recipient.register.language
    numbers = list(request.customers.values_list("customer_number", flat=True))
    with translation.override(language):
        context = {
            **request_context(request),
            "action": notification.get_action_display(),
            "customer_numbers": numbers,
            "recipient_name": notification.recipient_name,
        }
    send_email(
        "recipient_notification",
        to=[notification.recipient_email],
        language=language,
        context=context,
        about=notification,
    )
    request.log(
        RequestEvent.Kind.MESSAGE_SENT,
        by=by,
        code="art19_notice",
        args={"name": notification.recipient_name},
    )
    notification.mark_sent(by=by)


def tell_customer_recipients(request: Request, *, by) -> RequestMessage:
    """Tell the customer who the recipients are (GDPR Art. 19, last sentence)."""
    if not request.email:
        raise TransitionError(gettext("The request has no email address."))
    with translation.override(request.language):
        names = [str(r.name) for r in receiving_recipients()]
    return send_request_email(request, "recipients_list", sent_by=by, extra={"recipients": names})
