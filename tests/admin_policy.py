"""Who may use each admin page and action: the one table the role walk checks.

``tests/test_admin_roles.py`` requests every URL the admin exposes, with GET and POST, as each
role, and compares who got through with this table. Roles: ``outsider`` (logged in, no staff
rights), ``customer_service`` and ``dpo`` (tests/conftest.py). A role gets through when the admin
answers with the page or does the work (2xx, or a redirect anywhere but the login page); it is
refused with a redirect to the login page, 403, 404 or 405. A refused POST writes nothing.

Every admin model, page and action must be listed: a new one fails the walk until this table
says who may use it.
"""

NOBODY: frozenset[str] = frozenset()
DPO = frozenset({"dpo"})
STAFF = frozenset({"customer_service", "dpo"})
EVERYONE = frozenset({"outsider", "customer_service", "dpo"})
ROLES = ("outsider", "customer_service", "dpo")

# model label -> who may (view, add, change, delete) it. Viewing includes changing.
MODELS: dict[str, tuple[frozenset, frozenset, frozenset, frozenset]] = {
    # Staff accounts are managed by superusers only.
    "auth.group": (NOBODY, NOBODY, NOBODY, NOBODY),
    "auth.user": (NOBODY, NOBODY, NOBODY, NOBODY),
    # The register description: customer service reads it, the DPO keeps it.
    **{
        f"register.{name}": (STAFF, DPO, DPO, DPO)
        for name in (
            "register",
            "controller",
            "contactperson",
            "purpose",
            "datacategory",
            "source",
            "recipient",
            "cookie",
            "protectionprinciple",
            "retentionrule",
            "rightschannel",
            "identityrule",
            "bookkeepingperiod",
            "statutoryhold",
        )
    },
    # Evidence: read-only for everyone.
    "register.noticeversion": (STAFF, NOBODY, NOBODY, NOBODY),
    "register.purgerun": (DPO, NOBODY, NOBODY, NOBODY),
    "register.outboxmessage": (STAFF, NOBODY, NOBODY, NOBODY),
    "customers.consentevent": (STAFF, NOBODY, NOBODY, NOBODY),
    "customers.suppression": (DPO, NOBODY, NOBODY, NOBODY),
    "requests.accessreport": (STAFF, NOBODY, NOBODY, NOBODY),
    "requests.erasurerecord": (DPO, NOBODY, NOBODY, NOBODY),
    "requests.rectificationchange": (STAFF, NOBODY, NOBODY, NOBODY),
    "requests.requestmessage": (STAFF, NOBODY, NOBODY, NOBODY),
    # The register's content: customer service works with customers, orders and returns. Nobody
    # deletes personal data in the admin: erasure and the retention job do (NoDeleteAdminMixin).
    "customers.customer": (STAFF, DPO, STAFF, NOBODY),
    "customers.order": (STAFF, DPO, STAFF, NOBODY),
    "customers.invoice": (STAFF, DPO, DPO, NOBODY),
    "customers.payment": (STAFF, DPO, DPO, NOBODY),
    "customers.return": (STAFF, DPO, STAFF, NOBODY),
    "customers.consentpurpose": (STAFF, DPO, DPO, DPO),
    # Requests: nobody deletes them in the admin; Art. 19 tasks come from the workflow.
    "requests.request": (STAFF, STAFF, STAFF, NOBODY),
    "requests.recipientnotification": (STAFF, NOBODY, STAFF, NOBODY),
    "requests.legalclaim": (DPO, DPO, DPO, NOBODY),
    # The shop's API keys and webhook integrations: the DPO's alone. Nobody deletes a key (it is
    # revoked) or an integration (made inactive): the delivery log and history name them.
    "api.apikey": (DPO, DPO, DPO, NOBODY),
    "api.integration": (DPO, DPO, DPO, NOBODY),
    "api.webhookdelivery": (DPO, NOBODY, NOBODY, NOBODY),
    # Staff sign-in records: for the DPO, read-only.
    "staff.failedlogin": (DPO, NOBODY, NOBODY, NOBODY),
    "staff.stafflogin": (DPO, NOBODY, NOBODY, NOBODY),
    "staff.authenticatorapp": (DPO, NOBODY, NOBODY, NOBODY),
    # The breach register is the DPO's; nobody deletes a breach record, superusers included.
    "breaches.breach": (DPO, DPO, DPO, NOBODY),
    "breaches.breachnotice": (DPO, NOBODY, NOBODY, NOBODY),
}


def model_pages(view, add, change, delete) -> dict[str, tuple[frozenset, frozenset]]:
    """(who may GET, who may POST) each of a model's standard pages."""
    return {
        "changelist": (view, view),  # a POST without an action shows the list
        "add": (add, add),
        "change": (view, change),
        "delete": (delete, delete),
        "history": (view, view),
        # A past version is shown, never written back (register.admin_base.HistoryAdmin).
        "simple_history": (view, NOBODY),
        # "<id>/" only redirects to "<id>/change/", which decides.
        "redirect": (STAFF, STAFF),
    }


# The admin site's own pages and every custom page: key -> (who may GET, who may POST).
# Custom pages are keyed by URL name, with "/<value>" for each value of a ``str`` parameter.
PAGES: dict[str, tuple[frozenset, frozenset]] = {
    "index": (STAFF, STAFF),
    "login": (EVERYONE, EVERYONE),  # staff are sent on to the index; a POST without a password fails
    "logout": (NOBODY, STAFF),
    "password_change": (STAFF, STAFF),
    "password_change_done": (STAFF, NOBODY),
    "autocomplete": (NOBODY, NOBODY),  # no admin uses autocomplete fields
    "jsi18n": (STAFF, NOBODY),
    "view_on_site": (STAFF, STAFF),  # a redirect to the object's public page
    "app_list/auth": (NOBODY, NOBODY),
    "app_list/register": (STAFF, STAFF),
    "app_list/customers": (STAFF, STAFF),
    "app_list/requests": (STAFF, STAFF),
    "app_list/staff": (DPO, DPO),
    "app_list/breaches": (DPO, DPO),
    "app_list/api": (DPO, DPO),
    "catch_all": (NOBODY, NOBODY),
    "two_factor_verify": (STAFF, STAFF),
    "two_factor_setup": (STAFF, STAFF),
    "auth_user_password_change": (NOBODY, NOBODY),
    # The register: publishing is the DPO's; the record of processing is for all who read it.
    "register_register_publish": (DPO, DPO),
    "register_register_record": (STAFF, STAFF),
    "register_register_record_csv": (STAFF, STAFF),
    # Customer service adds consents and opt-outs received by phone, letter or in the shop to the
    # ledger; the marketing list with its unsubscribe links is the DPO's (the file is personal data).
    "customers_customer_record_consent": (STAFF, STAFF),
    "customers_customer_marketing_list": (DPO, DPO),
    # Reports hold every identifier unmasked: only the DPO makes, downloads and sends them.
    "requests_accessreport_generate": (NOBODY, DPO),
    "requests_accessreport_download": (DPO, DPO),
    "requests_accessreport_send": (NOBODY, DPO),
    "requests_accessreport_review": (DPO, DPO),  # what the report holds, checked before release
    # Correcting contact details is everyday customer service (GDPR Art. 16).
    "requests_rectificationchange_review": (STAFF, STAFF),
    # The request workflow: customer service processes requests end to end ...
    **{
        f"requests_request_act/{action}": (NOBODY, STAFF)
        for action in ("start", "complete", "assign_me", "confirm_match", "send_verification")
    },
    "requests_request_match": (STAFF, STAFF),  # whom the request concerns: candidates, search, confirm
    "requests_request_verify": (STAFF, STAFF),
    # Identity evidence seen by staff, and matching a customer by number or by name and address.
    "requests_request_identity": (STAFF, STAFF),
    "requests_request_extend": (STAFF, STAFF),
    "requests_request_reject": (STAFF, STAFF),
    "requests_request_reply": (STAFF, STAFF),
    "requests_request_incoming": (STAFF, STAFF),
    **{
        f"requests_request_rights/{action}": (NOBODY, STAFF)
        for action in ("restrict", "lift_notice", "lift", "confirm", "tell_recipients")
    },
    # ... and previews an erasure; only the DPO erases.
    "requests_request_erasure": (STAFF, DPO),
    # The breach register: the authority's form, Art. 34 notices, audit exports are the DPO's.
    "breaches_breach_export": (DPO, NOBODY),
    "breaches_breach_notify": (DPO, DPO),
    "breaches_breach_audit_requests": (DPO, NOBODY),
    "breaches_breach_audit_consents": (DPO, NOBODY),
    # The customer's choice of delete or anonymise, changed with a reason by whoever processes it.
    "requests_request_erasure_choice": (STAFF, STAFF),
    # The erasure's confirmation page (typed customer number) is for those who may erase.
    "requests_request_erasure_confirm": (DPO, DPO),
}

# Change-list actions: "app_label.model.action" -> who is offered it. "delete_selected" follows
# the delete permission of MODELS.
ACTIONS: dict[str, frozenset] = {
    "register.register.publish_selected": DPO,
    "register.outboxmessage.send_again": STAFF,
    "customers.customer.restrict_processing": STAFF,
    "customers.customer.lift_restriction": STAFF,
    "customers.customer.record_objection": STAFF,
    "customers.order.mark_shipped": STAFF,
    "customers.order.mark_delivered": STAFF,
    "customers.order.cancel_orders": STAFF,
    "customers.return.mark_received": STAFF,
    "customers.return.mark_refunded": STAFF,
    "customers.return.reject": STAFF,
    "requests.request.assign_to_me": STAFF,
    "requests.request.start_processing": STAFF,
    "requests.recipientnotification.send_and_mark_sent": STAFF,
    "requests.recipientnotification.mark_sent": STAFF,
    "requests.recipientnotification.mark_impossible": STAFF,
    "api.apikey.revoke": DPO,
    "staff.failedlogin.release": DPO,
    "staff.authenticatorapp.reset": DPO,
}
