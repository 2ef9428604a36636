"""What the customers app holds about customers, and how it is exported and erased.

One declaration per model (see ``register.registry``). Orders, invoices, payments and returns
are bookkeeping records: on erasure they stay without direct identifiers until the bookkeeping
period of the seller's country ends (GDPR Art. 17(3)(b)), and as long as a statutory hold
(``customers.holds``: consumer complaints, debt collection) keeps them; unfinished orders and open
returns stay as they are until they are finished (Art. 6(1)(b)). When the customer chose deletion
rather than anonymisation, rows without a hold are deleted, and the customer row with the last kept
record (``on_delete_choice``).
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.holds import INVOICE_RECORD_KIND, ORDER_RECORD_KIND, VOUCHER_RECORD_KIND, statutory_hold
from customers.models import (
    ConsentEvent,
    ConsentPurpose,
    Customer,
    Invoice,
    Order,
    OrderLine,
    Payment,
    Return,
    Suppression,
)
from register.models import HeldRecord
from register.registry import KEEP, Hold, HoldName, Personal, RowAction, bookkeeping_hold, registry

OPEN_RETURN_STATUSES = [Return.Status.REQUESTED, Return.Status.RECEIVED]

PENDING_ORDER_HOLD = Hold(
    name=HoldName.PENDING_ORDER,
    reason=_("The order is not yet delivered; the delivery data is needed until it is."),
    condition=Q(status__in=Order.UNFINISHED_STATUSES),
    keeps_identifiers=True,
)
PENDING_ORDER_LINES_HOLD = Hold(
    name=HoldName.PENDING_ORDER,
    reason=_("The order is not yet delivered; the delivery data is needed until it is."),
    condition=Q(order__status__in=Order.UNFINISHED_STATUSES),
    keeps_identifiers=True,
)
OPEN_RETURN_HOLD = Hold(
    name=HoldName.OPEN_RETURN,
    reason=_("The return is still open; the refund account is needed until it is refunded."),
    condition=Q(status__in=OPEN_RETURN_STATUSES),
    keeps_identifiers=True,
)

registry.register(
    Customer,
    category="profile",
    path="",
    personal={
        # A pseudonymous number, kept so that retained bookkeeping records stay linked.
        "customer_number": Personal(erase=KEEP),
        # The shop's id of the customer: cleared, so the shop's later deliveries no longer reach the row.
        "external_id": Personal(),
        "first_name": Personal(provided=True),
        "last_name": Personal(provided=True),
        "company": Personal(provided=True),
        "business_id": Personal(provided=True),
        "identity_number": Personal(provided=True),
        "email": Personal(provided=True),
        "email_normalized": Personal(derived=True),
        "email_digest": Personal(derived=True),
        "phone": Personal(provided=True),
        "phone_normalized": Personal(derived=True),
        "phone_digest": Personal(derived=True),
        "street_address": Personal(provided=True),
        "postal_code": Personal(provided=True),
        "city": Personal(provided=True),
        "country": Personal(provided=True),
        # The language emails are written in; it identifies nobody.
        "language": Personal(provided=True, erase=KEEP),
        "gender": Personal(provided=True),
        "homepage": Personal(provided=True),
        "username": Personal(provided=True),
        "bank_account": Personal(provided=True),
        "created_at": Personal(erase=KEEP),
        "last_activity_at": Personal(erase=KEEP),
        "relationship_ended_at": Personal(erase=KEEP),
        "restricted_at": Personal(erase=KEEP),
        "restriction_reason": Personal(staff_text=True),
        "erased_at": Personal(erase=KEEP),
        "erasure_mode": Personal(erase=KEEP),
    },
    not_personal=["id"],
    # Deleted when the customer chose deletion, once no kept record refers to it (requests.erasure).
    on_delete_choice=RowAction.DELETE,
)

registry.register(
    Order,
    category="orders",
    path="customer",
    personal={
        "number": Personal(provided=True, erase=KEEP),
        "placed_at": Personal(provided=True, erase=KEEP),
        "status": Personal(erase=KEEP),
        "total": Personal(provided=True, erase=KEEP),
        "currency": Personal(provided=True, erase=KEEP),
        "delivery_name": Personal(provided=True),
        "delivery_street": Personal(provided=True),
        "delivery_postal_code": Personal(provided=True),
        "delivery_city": Personal(provided=True),
        # The country of delivery decides VAT; it is part of the voucher and identifies nobody.
        "delivery_country": Personal(provided=True, erase=KEEP),
        "delivery_phone": Personal(provided=True),
        "carrier": Personal(erase=KEEP),
        "delivered_at": Personal(erase=KEEP),
        "purge_after": Personal(erase=KEEP),
    },
    # The controller that sold the order is the shop, not the customer.
    not_personal=["id", "customer", "controller"],
    on_delete_choice=RowAction.DELETE,
    holds=[
        PENDING_ORDER_HOLD,
        bookkeeping_hold("placed_at", kind=ORDER_RECORD_KIND),
        statutory_hold(HeldRecord.ORDERS),
    ],
)

registry.register(
    OrderLine,
    category="orders",
    path="order__customer",
    table="order_line",
    personal={
        "sku": Personal(provided=True, erase=KEEP),
        "product_name": Personal(provided=True, erase=KEEP),
        "quantity": Personal(provided=True, erase=KEEP),
        "unit_price": Personal(provided=True, erase=KEEP),
        "vat_rate": Personal(erase=KEEP),
    },
    not_personal=["id", "order"],
    on_delete_choice=RowAction.DELETE,
    holds=[
        PENDING_ORDER_LINES_HOLD,
        bookkeeping_hold("order__placed_at", kind=ORDER_RECORD_KIND, controller="order__controller"),
        statutory_hold(HeldRecord.ORDER_LINES),
    ],
)

registry.register(
    Invoice,
    category="orders",
    path="order__customer",
    personal={
        "order": Personal(erase=KEEP, export="order__number"),
        "number": Personal(erase=KEEP),
        "issued_at": Personal(erase=KEEP),
        "amount": Personal(erase=KEEP),
        "vat_amount": Personal(erase=KEEP),
        "currency": Personal(erase=KEEP),
        "billing_name": Personal(provided=True),
        "billing_address": Personal(provided=True),
        "due_on": Personal(erase=KEEP),
        "collection_started_on": Personal(erase=KEEP),
    },
    not_personal=["id"],
    on_delete_choice=RowAction.DELETE,
    holds=[
        bookkeeping_hold("issued_at", kind=INVOICE_RECORD_KIND, controller="order__controller"),
        statutory_hold(HeldRecord.INVOICES),
    ],
)

registry.register(
    Payment,
    category="orders",
    path="invoice__order__customer",
    personal={
        "invoice": Personal(erase=KEEP, export="invoice__number"),
        "paid_at": Personal(erase=KEEP),
        "amount": Personal(erase=KEEP),
        "method": Personal(erase=KEEP),
        # The payment service's reference reconciles the voucher; it names nobody.
        "reference": Personal(erase=KEEP),
    },
    not_personal=["id"],
    on_delete_choice=RowAction.DELETE,
    holds=[
        bookkeeping_hold("paid_at", kind=VOUCHER_RECORD_KIND, controller="invoice__order__controller"),
        statutory_hold(HeldRecord.PAYMENTS),
    ],
)

registry.register(
    Return,
    category="orders",
    path="order__customer",
    personal={
        "order": Personal(erase=KEEP, export="order__number"),
        "returned_at": Personal(provided=True, erase=KEEP),
        "reason": Personal(provided=True),
        "refund_amount": Personal(erase=KEEP),
        "refund_account": Personal(provided=True),
        "status": Personal(erase=KEEP),
    },
    # The customer of the return's order, kept with it for reading a customer's returns by index.
    not_personal=["id", "customer"],
    on_delete_choice=RowAction.DELETE,
    holds=[
        OPEN_RETURN_HOLD,
        bookkeeping_hold(
            "returned_at",
            kind=VOUCHER_RECORD_KIND,
            controller="order__controller",
            condition=~Q(refund_amount=0),
        ),
        statutory_hold(HeldRecord.RETURNS),
    ],
)

registry.register(
    ConsentEvent,
    category="consents",
    path="customer",
    table="consent_event",
    personal={
        "purpose": Personal(provided=True, erase=KEEP, export="purpose__code"),
        "action": Personal(provided=True, erase=KEEP),
        "occurred_at": Personal(provided=True, erase=KEEP),
        "via": Personal(provided=True, erase=KEEP),
        "notice_version": Personal(erase=KEEP),
        "evidence": Personal(staff_text=True),
    },
    # The staff member who recorded the event is the shop's, not the customer's, data.
    not_personal=["id", "customer", "recorded_by"],
    # Erasure replaces the ledger with the events that prove it (requests.erasure).
    on_erase=RowAction.DELETE,
)

registry.register_without_personal_data(
    ConsentPurpose, reason="The purposes customers consent to; the same for everyone."
)
registry.register_without_personal_data(
    Suppression, reason="Keyed hashes only (GDPR Art. 21(3)); kept so that marketing never resumes."
)
