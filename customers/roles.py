"""Permissions of the customer-service role in this app (see ``register.roles``).

Customer service works with customers, orders and returns, reads the consent ledger and adds
consents and opt-outs received by phone, letter or in the shop to it, but may not export marketing
lists, delete customers or see personal identity numbers and bank accounts in full
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
    # A consent or opt-out given by phone, letter or in the shop is added to the ledger by whoever
    # takes it (the ledger stays append-only: there is no change or delete permission to grant).
    "customers.add_consentevent",
    "customers.view_consentpurpose",
]

grant_customer_service(CUSTOMER_SERVICE_PERMISSIONS)

# Whoever may see identity numbers and bank accounts in full signs in with a second factor.
require_two_factor(["customers.view_sensitive_identifiers"])
# The marketing list (customers.export_marketing_list) is the DPO's: the file holds the contacts of every
# customer who may be marketed to. Whoever else gets it signs in with a second factor too.
require_two_factor(["customers.export_marketing_list"])
