"""The register's content: customers, orders and bookkeeping records, returns and the consent ledger.

The consent ledger (``ConsentEvent``) is append-only evidence under GDPR Art. 7(1): current consent is
derived from the latest event per customer and purpose, never stored as a flag. The suppression list
(``Suppression``) keeps objections to direct marketing (Art. 21(3)) as keyed hashes, so it survives
erasure without holding an address in clear."""

# Customers first: the ledger's models refer to them.
from customers.models.customers import (
    ANONYMOUS_NUMBER_PREFIX,
    Customer,
    CustomerQuerySet,
    ErasureMode,
    Gender,
    _current_notice_version,
    _notice_version_at,
    anonymous_number,
)

# isort: split
from customers.models.orders import Invoice, InvoiceQuerySet, Order, OrderLine, Payment, Return

# isort: split
from customers.models.consents import (
    ConsentEvent,
    ConsentPurpose,
    Suppression,
    SuppressionQuerySet,
    consent_purposes,
    forget_consent_purposes,
    record_marketing_objection,
)

__all__ = [
    "consent_purposes",
    "forget_consent_purposes",
    "_current_notice_version",
    "_notice_version_at",
    "ANONYMOUS_NUMBER_PREFIX",
    "anonymous_number",
    "Gender",
    "ErasureMode",
    "CustomerQuerySet",
    "Customer",
    "Order",
    "OrderLine",
    "InvoiceQuerySet",
    "Invoice",
    "Payment",
    "Return",
    "ConsentPurpose",
    "ConsentEvent",
    "SuppressionQuerySet",
    "Suppression",
    "record_marketing_objection",
]
