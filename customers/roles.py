"""Permissions of the customer-service role in this app (see ``register.roles``).

Customer service works with customers, orders and returns and reads the consent ledger,
but may not delete customers or see personal identity numbers and bank accounts in full
(``customers.view_sensitive_identifiers``): least privilege, GDPR Art. 5(1)(f) and 32.
"""

from register.roles import grant_customer_service, require_two_factor

CUSTOMER_SERVICE_PERMISSIONS: list[str] = [
    "customers.view_customer",
    "customers.change_customer",
    "customers.view_order",
    "customers.change_order",
    "customers.view_orderline",
    "customers.view_invoice",
    "customers.view_payment",
    "customers.view_return",
    "customers.change_return",
    "customers.view_consentevent",
    "customers.view_consentpurpose",
]

grant_customer_service(CUSTOMER_SERVICE_PERMISSIONS)

# Whoever may see identity numbers and bank accounts in full signs in with a second factor.
require_two_factor(["customers.view_sensitive_identifiers"])
