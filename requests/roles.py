"""Permissions of the customer-service role in this app (see ``register.roles``).

Customer service processes requests end to end (verify, assign, extend, reply, complete,
reject); deleting a request is nobody's task in the admin.
"""

from register.roles import grant_customer_service

CUSTOMER_SERVICE_PERMISSIONS: list[str] = [
    "requests.view_request",
    "requests.add_request",
    "requests.change_request",
    "requests.process_request",
    "requests.reject_request",
    "requests.view_requestevent",
    "requests.view_requestmessage",
    "requests.view_internalnote",
    "requests.add_internalnote",
    # Art. 19 notifications of recipients: customer service sends them or records why not.
    "requests.view_recipientnotification",
    "requests.change_recipientnotification",
    # Reports hold identity numbers and bank accounts unmasked, which customer service may not
    # see (customers.view_sensitive_identifiers): they see that reports exist, the DPO makes them.
    "requests.view_accessreport",
    # Correcting contact details is everyday customer service (GDPR Art. 16).
    "requests.view_rectificationchange",
    "requests.apply_rectification",
]

grant_customer_service(CUSTOMER_SERVICE_PERMISSIONS)
