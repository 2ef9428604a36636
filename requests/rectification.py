"""Rectification (GDPR Art. 16): structured proposals, the staff review, and applying them.

The public form stores the customer's proposals per field (``record_proposals``); intake does no
customer lookup, so a proposal is linked to a customer only when staff review it. Staff see
current against proposed values, may edit the value to apply, and ``apply_rectification`` writes
the change in one transaction: the customer's history row names the request as its reason and
the staff member as its author, and each recipient of the register is notified (Art. 19).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from register.countries import country_name
from register.translation import Language
from requests.models import (
    RectificationChange,
    Request,
    RequestEvent,
    SupplementaryStatement,
    TransitionError,
)

if TYPE_CHECKING:
    from customers.models import Customer

# The customer fields a customer may propose a correction for. Identity numbers, bank accounts
# and customer numbers are corrected by staff from evidence, not from a web form.
RECTIFIABLE_FIELDS: dict[str, object] = {
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "email": _("Email"),
    "phone": _("Phone"),
    "street_address": _("Street address"),
    "postal_code": _("Postal code"),
    "city": _("City"),
    "country": _("Country"),
    "language": _("Language"),
    "company": _("Company"),
}


def record_proposals(request: Request, proposals: dict[str, str]) -> list[RectificationChange]:
    """Store the customer's proposed values (only whitelisted fields, empty values skipped)."""
    rows = [
        RectificationChange(request=request, field=name, customer_value=value, proposed_value=value)
        for name, value in proposals.items()
        if name in RECTIFIABLE_FIELDS and (value or "").strip()
    ]
    return RectificationChange.objects.bulk_create(rows)


def customer_proposals(request: Request) -> dict[str, str]:
    """Return {field: value} as the customer proposed it on the form."""
    return {
        change.field: change.customer_value
        for change in request.rectifications.filter(customer__isnull=True).order_by("id")
    }


def open_proposal_fields(request: Request) -> list[str]:
    """The fields the customer proposed that are neither applied nor recorded as not applied."""
    applied = set(request.rectifications.filter(applied_at__isnull=False).values_list("field", flat=True))
    proposed = request.rectifications.filter(customer__isnull=True, rejected_at__isnull=True)
    return [
        name for name in RECTIFIABLE_FIELDS if name in set(proposed.values_list("field", flat=True)) - applied
    ]


def diff_rows(request: Request, customer: Customer) -> list[dict]:
    """One row per rectifiable field: label, current value, customer's proposal (each also as shown)."""
    proposals = customer_proposals(request)
    return [
        {
            "field": name,
            "label": label,
            "current": str(getattr(customer, name) or ""),
            "proposed": proposals.get(name),
            # As staff read them: a language or a country by its name.
            "current_shown": shown_value(name, str(getattr(customer, name) or "")),
            "proposed_shown": shown_value(name, proposals[name]) if name in proposals else None,
        }
        for name, label in RECTIFIABLE_FIELDS.items()
    ]


def shown_value(name: str, value: str) -> str:
    """A field's value as staff read it: a language or a country by its name, not its code."""
    if not value:
        return value
    if name == "language":
        return str(dict(Language.choices).get(value, value))
    if name == "country":
        return country_name(value)
    return value


def _notify_recipients(request: Request, customer: Customer, fields: list[str]) -> None:
    """Create the Art. 19 tasks, one per recipient of customer data, and queue the webhook events."""
    try:
        from requests.rights import create_recipient_notifications
    except ImportError:  # installations without the Art. 19 workflow
        return
    create_recipient_notifications(request, "rectification", customers=[customer], fields=fields)


def _keep_state_before(customer: Customer, request: Request, *, by) -> None:
    """Give the customer a history row of the values before the change, if it has none yet.

    The history view shows a change against the row before it; a customer imported in bulk has no
    history row, and the rectification would then show no before/after.
    """
    if not customer.history.exists():
        type(customer).history.bulk_history_create(
            [customer],
            update=True,
            default_user=by,
            default_change_reason=gettext("Before the rectification, request %(number)s")
            % {"number": request.number},
        )


def apply_rectification(
    request: Request,
    customer: Customer,
    values: dict[str, str],
    *,
    by,
    statement: str = "",
) -> list[RectificationChange]:
    """Apply corrected values to ``customer`` for ``request`` (GDPR Art. 16); all or nothing.

    ``values`` maps whitelisted field names to the values to write; fields whose value equals the
    current one are skipped. The customer is validated before saving; the history row records the
    request as its reason and ``by`` as its author. A supplementary statement is attached to the
    customer when given. Raises ``ValidationError`` (nothing changed) on invalid values and
    ``TransitionError`` when the request may not be acted on.
    """
    from customers.models import Customer

    if request.kind != Request.Kind.RECTIFICATION:
        raise TransitionError(gettext("Only a rectification request changes customer data."))
    from requests.identity import require_identity

    require_identity(request)
    unknown = set(values) - set(RECTIFIABLE_FIELDS)
    if unknown:
        raise ValidationError(
            gettext("These fields cannot be rectified here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    now = timezone.now()
    with transaction.atomic():
        request._lock()
        if not (request.is_open and request.is_verified):
            raise TransitionError(gettext("Only an open, verified request can be applied."))
        if request.match_confirmed_at is None or not request.customers.filter(pk=customer.pk).exists():
            raise TransitionError(gettext("Confirm that this customer is the one the request concerns."))
        proposals = customer_proposals(request)
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        before = {name: str(getattr(locked, name) or "") for name in values}
        changed = {name: (value or "").strip() for name, value in values.items()}
        changed = {name: value for name, value in changed.items() if value != before[name]}
        if not changed and not statement.strip():
            raise TransitionError(gettext("Nothing to change: every value equals the current one."))
        if changed:
            _keep_state_before(locked, request, by=by)
            for name, value in changed.items():
                setattr(locked, name, value)
            exclude = [f.name for f in Customer._meta.fields if f.name not in changed]
            locked.full_clean(exclude=exclude, validate_unique=False)
            # A normal save writes a normal history row: django-simple-history shows it against the
            # row before it (who changed which field, before and after, under which request; GDPR
            # Art. 5(2) accountability). Masked fields stay masked there (customers.admin).
            locked._change_reason = gettext("Rectification, request %(number)s") % {"number": request.number}
            locked._history_user = by
            locked.save()
        rows = [
            RectificationChange(
                request=request,
                customer=locked,
                field=name,
                current_value=before[name],
                customer_value=proposals.get(name, ""),
                proposed_value=value,
                staff_edited=proposals.get(name, "").strip() != value,
                applied_at=now,
                applied_by=by,
            )
            for name, value in changed.items()
        ]
        RectificationChange.objects.bulk_create(rows)
        if statement.strip():
            SupplementaryStatement.objects.create(
                customer=locked, request=request, text=statement.strip(), created_by=by
            )
        # Field names only: the values are personal data and stay in the rectification rows.
        detail = ", ".join(sorted(changed)) or gettext("supplementary statement")
        request.log(RequestEvent.Kind.RECTIFIED, by=by, detail=f"{locked.pk}: {detail}")
        if changed:
            _notify_recipients(request, locked, sorted(changed))
    customer.refresh_from_db()
    return rows
