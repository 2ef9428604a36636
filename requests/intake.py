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
from requests.identity import accepted_for, needs_evidence
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
    erasure_choice: str = "",
    proposals: Mapping[str, str] | None = None,
    received_at: datetime | None = None,
    assignee: AbstractBaseUser | None = None,
    by: AbstractBaseUser | None = None,
    verification_method: str = "",
    verification_note: str = "",
    email_verification_link: bool = False,
    change_reason: str = "",
) -> Request:
    """Store a request received through ``received_via`` and record how it arrived.

    Guarantees, in one transaction: the request is saved (its deadline counted from
    ``received_at``, now by default) with a "created" event naming the channel and the
    staff user ``by`` (none for the public form); the customer's proposed corrections of a
    rectification request are stored (Art. 16); the identity evidence the right needs under the notice in
    force is stored, and the request marked as awaiting it where the email link cannot give it
    (``requests.identity``); when staff name a ``verification_method``,
    the verification is recorded and the customer match proposed; with
    ``email_verification_link`` the customer is emailed a link to confirm their address.
    ``change_reason`` names a caller that is no staff user (an API key, a webhook integration) in
    the request's history.
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
    if erasure_choice:
        req.erasure_choice = erasure_choice
    # The identity rule of the notice in force: the customer was told it (GDPR Art. 12(6)).
    req.identity_accepted = accepted_for(kind)
    req.awaiting_identity = needs_evidence(req.identity_accepted, email)
    if received_at is not None:
        req.received_at = received_at
    if by is not None:
        req._history_user = by
    if change_reason:
        req._change_reason = change_reason
    req.save()
    req.log(RequestEvent.Kind.CREATED, by=by, code="received_via", args={"via": req.received_via})
    if proposals and req.kind == Request.Kind.RECTIFICATION:
        record_proposals(req, dict(proposals))
    if verification_method:
        req.verify(by=by, method=verification_method, note=verification_note)
    if email_verification_link:
        send_verification(req)
    return req
