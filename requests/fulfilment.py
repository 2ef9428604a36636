"""What completing a request requires, per kind: the one place the rule lives.

``missing_for_completion(request)`` lists, as sentences for staff, what is still to be done before
the request may be marked completed (an empty list: it may). ``Request.complete()`` refuses with
that list, and the request's admin page shows it next to the *Mark completed* button.

- access, portability: a report released to the customer (GDPR Art. 15(3), 20), or, when the
  match is confirmed as nobody, an explicit confirmation that no data is held (Art. 15(1));
- erasure: every matched customer erased for this request (Art. 17) — or reject the request;
- rectification: every proposed correction applied or not applied with a reason (Art. 16), or,
  without structured proposals, at least one correction or a supplementary statement;
- restriction: processing restricted for the confirmed customers (Art. 18);
- objection, withdrawal: applied to the confirmed customers in the consent ledger (Art. 21, 7(3)).

Every kind first needs the identity evidence its right requires (``requests.identity``), then the customer
match confirmed (possibly as nobody).
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from requests.identity import missing_identity, require_identity
from requests.models import (
    AccessReport,
    ErasureRecord,
    RectificationChange,
    Request,
    RequestEvent,
    SupplementaryStatement,
    TransitionError,
)

REPORT_KINDS = {
    Request.Kind.ACCESS: AccessReport.Kind.ACCESS,
    Request.Kind.PORTABILITY: AccessReport.Kind.PORTABILITY,
}


def missing_for_completion(request: Request) -> list[str]:
    """What is still to be done before ``request`` may be completed; empty when nothing is."""
    if message := missing_identity(request):
        return [message]
    if request.match_confirmed_at is None:
        return [gettext("Confirm which customers the request concerns (possibly none).")]
    check = {
        Request.Kind.ACCESS: _missing_report,
        Request.Kind.PORTABILITY: _missing_report,
        Request.Kind.ERASURE: _missing_erasure,
        Request.Kind.RECTIFICATION: _missing_rectification,
        Request.Kind.RESTRICTION: _missing_restriction,
        Request.Kind.OBJECTION: _missing_consent_withdrawal,
        Request.Kind.WITHDRAWAL: _missing_consent_withdrawal,
    }[request.kind]
    return check(request)


def _logged_since_match(request: Request, kind: str) -> bool:
    """Whether an event of ``kind`` was logged since the customer match was last confirmed."""
    return request.events.filter(kind=kind, at__gte=request.match_confirmed_at).exists()


def _missing_report(request: Request) -> list[str]:
    if request.reports.filter(kind=REPORT_KINDS[request.kind], released_at__isnull=False).exists():
        return []
    if not request.customers.exists():
        if _logged_since_match(request, RequestEvent.Kind.NO_DATA_HELD):
            return []
        return [
            gettext(
                "Release a report to the customer, or confirm that no data is held: the match is "
                "confirmed as nobody."
            )
        ]
    return [gettext("Release a report to the customer: generate it, review it and release it.")]


def _missing_erasure(request: Request) -> list[str]:
    # (NOT IN over a NULL matches nothing: leave out records whose customer row is gone.)
    erased = ErasureRecord.objects.filter(request=request, customer__isnull=False).values("customer_id")
    pending = request.customers.exclude(pk__in=erased).count()
    if not pending:
        return []
    return [
        ngettext(
            "Erase the matched customer (%(count)d not erased yet), or reject the request with a reason.",
            "Erase the matched customers (%(count)d not erased yet), or reject the request with a reason.",
            pending,
        )
        % {"count": pending}
    ]


def _missing_rectification(request: Request) -> list[str]:
    proposals = request.rectifications.filter(customer__isnull=True)
    applied = set(request.rectifications.filter(applied_at__isnull=False).values_list("field", flat=True))
    open_fields = sorted(
        set(proposals.filter(rejected_at__isnull=True).values_list("field", flat=True)) - applied
    )
    if open_fields:
        return [
            gettext("Apply the proposed corrections, or record why they are not applied: %(fields)s.")
            % {"fields": ", ".join(field_label(name) for name in open_fields)}
        ]
    nothing_done = not applied and not SupplementaryStatement.objects.filter(request=request).exists()
    if not proposals.exists() and nothing_done:
        return [
            gettext(
                "Apply the corrections or add a supplementary statement, or reject the request with a reason."
            )
        ]
    return []


def _missing_restriction(request: Request) -> list[str]:
    if not request.customers.exists() or _logged_since_match(request, RequestEvent.Kind.RESTRICTED):
        return []
    return [gettext("Restrict processing for the confirmed customers.")]


def _missing_consent_withdrawal(request: Request) -> list[str]:
    # Applied when the request is verified and again when the match is confirmed.
    if not request.customers.exists() or _logged_since_match(request, RequestEvent.Kind.CONSENT_WITHDRAWN):
        return []
    return [gettext("Confirm the customer match again: that applies the request in the consent ledger.")]


# --- Doing what completion needs -----------------------------------------------------------------


def field_label(name: str) -> str:
    """The customer field's name for people, in the active language ("Street address")."""
    from customers.models import Customer

    try:
        return str(Customer._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:  # a field since removed keeps its code name
        return name


def confirm_no_data_held(request: Request, *, by) -> None:
    """Record that no data is held about the person (GDPR Art. 15(1)) and tell them, if by email.

    Only for an access or portability request whose match staff confirmed as nobody.
    """
    from requests.emails import send_request_email

    with transaction.atomic():
        request._lock()
        if request.kind not in REPORT_KINDS:
            raise TransitionError(gettext("Only an access or portability request is answered this way."))
        if not (request.is_open and request.is_verified):
            raise TransitionError(gettext("Only an open, verified request can be applied."))
        require_identity(request)
        if request.match_confirmed_at is None or request.customers.exists():
            raise TransitionError(
                gettext("Confirm the customer match as nobody first: then no data is held.")
            )
        request.log(RequestEvent.Kind.NO_DATA_HELD, by=by)
        if request.email:
            send_request_email(request, "no_data_held", sent_by=by)


def decline_rectifications(request: Request, fields: list[str], *, by, reason: str) -> int:
    """Record that the customer's proposals for ``fields`` are not applied, and why (Art. 16).

    The reason is told to the customer when the request is completed. Returns how many proposals
    were declined.
    """
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(gettext("Say why the proposed values are not applied."))
    with transaction.atomic():
        request._lock()
        if request.kind != Request.Kind.RECTIFICATION or not (request.is_open and request.is_verified):
            raise TransitionError(gettext("Only an open, verified request can be applied."))
        applied = request.rectifications.filter(applied_at__isnull=False).values("field")
        proposals = (
            RectificationChange.objects.select_for_update()
            .filter(request=request, customer__isnull=True, rejected_at__isnull=True, field__in=fields)
            .exclude(field__in=applied)
        )
        declined = list(proposals.values_list("field", flat=True))
        if not declined:
            raise TransitionError(gettext("No open proposal for these fields."))
        proposals.update(rejected_at=timezone.now(), rejection_reason=reason, rejected_by=by)
        request.log(RequestEvent.Kind.NOT_RECTIFIED, by=by, detail=", ".join(sorted(declined)))
    return len(declined)


def notify_completion(request: Request, *, by) -> None:
    """Tell the customer what completing the request did, where the kind calls for it.

    A rectification: which fields were corrected and which proposals were not applied, with the
    reason — field names only, never values (masked or not) — in the customer's language.
    """
    if request.kind != Request.Kind.RECTIFICATION or not request.email:
        return
    from requests.emails import send_request_email

    changes = request.rectifications.all()
    with translation.override(request.language):
        corrected = [
            field_label(name)
            for name in sorted(set(changes.filter(applied_at__isnull=False).values_list("field", flat=True)))
        ]
        declined = [
            {"field": field_label(name), "reason": reason}
            for name, reason in changes.filter(rejected_at__isnull=False)
            .order_by("field")
            .values_list("field", "rejection_reason")
        ]
    statement = SupplementaryStatement.objects.filter(request=request).exists()
    send_request_email(
        request,
        "rectification_done",
        sent_by=by,
        extra={"corrected": corrected, "declined": declined, "statement": statement},
    )
