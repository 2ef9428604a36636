"""Intake: how a data-subject request enters the register, whatever the channel.

The public form and the staff's "Add request" page both call ``receive_request``, so a
request records the same events however it arrived. Intake does no customer lookup: the
customer match is proposed only once identity is verified.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from requests.emails import send_verification
from requests.models import Request, RequestEvent
from requests.rectification import record_proposals


@transaction.atomic
def receive_request(
    *,
    kind: str,
    received_via: str,
    language: str,
    email: str = "",
    name: str = "",
    customer_number: str = "",
    order_number: str = "",
    message: str = "",
    rectification_wrong: str = "",
    rectification_correct: str = "",
    withdrawal_purposes: Iterable[str] = (),
    proposals: Mapping[str, str] | None = None,
    received_at: datetime | None = None,
    assignee: AbstractBaseUser | None = None,
    by: AbstractBaseUser | None = None,
    verification_method: str = "",
    verification_note: str = "",
    email_verification_link: bool = False,
) -> Request:
    """Store a request received through ``received_via`` and record how it arrived.

    Guarantees, in one transaction: the request is saved (its deadline counted from
    ``received_at``, now by default) with a "created" event naming the channel and the
    staff user ``by`` (none for the public form); the customer's proposed corrections of a
    rectification request are stored (Art. 16); when staff name a ``verification_method``,
    the verification is recorded and the customer match proposed; with
    ``email_verification_link`` the customer is emailed a link to confirm their address.
    """
    req = Request(
        kind=kind,
        received_via=received_via,
        language=language,
        email=email,
        name=name,
        customer_number=customer_number,
        order_number=order_number,
        message=message,
        rectification_wrong=rectification_wrong,
        rectification_correct=rectification_correct,
        withdrawal_purposes=list(withdrawal_purposes),
        assignee=assignee,
    )
    if received_at is not None:
        req.received_at = received_at
    if by is not None:
        req._history_user = by
    req.save()
    req.log(RequestEvent.Kind.CREATED, by=by, code="received_via", args={"via": req.received_via})
    if proposals and req.kind == Request.Kind.RECTIFICATION:
        record_proposals(req, dict(proposals))
    if verification_method:
        req.verify(by=by, method=verification_method, note=verification_note)
    if email_verification_link:
        send_verification(req)
    return req
