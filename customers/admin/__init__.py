"""Admin for the register's content: thin, fast on a million customers, masked where it must be.

``common`` holds what the pages share (fixed-choice filters, masking of sensitive fields, the
restriction banner; every admin's counts are estimated, ``register.admin_counts``); ``customers``,
``orders`` and ``consents`` register their models.
"""

from customers.admin.common import (
    fixed_choices_filter,
    lift_notice_providers,
    lift_notice_sent_at,
)
from customers.admin.consents import ConsentEventAdmin, ConsentPurposeAdmin, SuppressionAdmin
from customers.admin.customers import (
    EXPORT_MARKETING_PERMISSION,
    RECENT_ROWS,
    RECORD_CONSENT_PERMISSION,
    CustomerAdmin,
)
from customers.admin.orders import InvoiceAdmin, OrderAdmin, PaymentAdmin, ReturnAdmin

__all__ = [
    "EXPORT_MARKETING_PERMISSION",
    "RECENT_ROWS",
    "RECORD_CONSENT_PERMISSION",
    "ConsentEventAdmin",
    "ConsentPurposeAdmin",
    "CustomerAdmin",
    "InvoiceAdmin",
    "OrderAdmin",
    "PaymentAdmin",
    "ReturnAdmin",
    "SuppressionAdmin",
    "fixed_choices_filter",
    "lift_notice_providers",
    "lift_notice_sent_at",
]
