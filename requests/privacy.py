"""What the requests app holds about customers, and how it is exported and erased.

A request is evidence that the controller answered (GDPR Art. 5(2)): on erasure, and by the
completed_request retention rule, it is minimised, not deleted. Its kind, dates, outcome and the
controller's own reasons stay; the email, name and the customer's free texts go.
"""

from register.registry import ERASED_TEXT, KEEP, Personal, registry
from requests import models

registry.register(
    models.Request,
    category="requests",
    path="customers",
    personal={
        "kind": Personal(provided=True, erase=KEEP),
        "status": Personal(erase=KEEP),
        "email": Personal(provided=True),
        "email_normalized": Personal(derived=True),
        "name": Personal(provided=True),
        "customer_number": Personal(provided=True),
        "order_number": Personal(provided=True),
        "message": Personal(provided=True),
        "rectification_wrong": Personal(provided=True),
        "rectification_correct": Personal(provided=True),
        "withdrawal_purposes": Personal(provided=True, erase=KEEP),
        # Whether the customer asked to be deleted or anonymised: evidence of what was asked.
        "erasure_choice": Personal(provided=True, erase=KEEP),
        "language": Personal(provided=True, erase=KEEP),
        "received_at": Personal(erase=KEEP),
        "received_via": Personal(erase=KEEP),
        # The controller's own reasoning, evidence that the extension or refusal was explained
        # (GDPR Art. 12(4), 12(5)): exported, but kept by erasure and retention.
        "extension_reason": Personal(erase=KEEP, staff_text=True),
        "verification_note": Personal(staff_text=True),
        "rejection_justification": Personal(erase=KEEP, staff_text=True),
    },
    not_personal=[
        "id",
        "due_date",
        "extended_due_date",
        "extended_at",
        "extended_by",
        "assignee",
        "token_hash",
        "token_expires_at",
        "token_used_at",
        "verified_at",
        "verification_method",
        "verified_by",
        "match_confirmed_at",
        "match_confirmed_by",
        "report_queued_at",
        "report_queued_by",
        "report_claimed_until",
        "identity_accepted",
        "awaiting_identity",
        "rejection_reason",
        "completed_at",
        "closed_at",
    ],
)

registry.register(
    models.RequestEvent,
    category="requests",
    path="request__customers",
    table="request_event",
    personal={
        "kind": Personal(erase=KEEP),
        "at": Personal(erase=KEEP),
        # Free text: a verification note, a reason or a subject may name the customer.
        "detail": Personal(staff_text=True),
    },
    # A worded detail's code and values: counts, ids, choice codes, a recipient's or staff member's name.
    not_personal=["id", "request", "actor", "detail_code", "detail_args"],
)

registry.register(
    models.RequestMessage,
    category="requests",
    path="request__customers",
    table="request_message",
    personal={
        "direction": Personal(erase=KEEP),
        "template": Personal(erase=KEEP),
        "recipient": Personal(),
        "subject": Personal(erase=KEEP),
        "body": Personal(erase=ERASED_TEXT, staff_text=True),
        "language": Personal(erase=KEEP),
        "sent_at": Personal(erase=KEEP),
    },
    not_personal=["id", "request", "sent_by"],
)

registry.register(
    models.InternalNote,
    category="requests",
    path="request__customers",
    table="internal_note",
    # Notes about a person are their personal data (CJEU C-434/16 Nowak): exported, reviewed before release.
    personal={"text": Personal(erase=ERASED_TEXT, staff_text=True), "created_at": Personal(erase=KEEP)},
    not_personal=["id", "request", "author"],
)

registry.register(
    models.IdentityEvidenceEntry,
    category="requests",
    path="request__customers",
    table="identity_evidence",
    personal={
        "kind": Personal(erase=KEEP),
        "recorded_at": Personal(erase=KEEP),
        # What staff saw may describe the person's document or visit.
        "note": Personal(staff_text=True),
    },
    not_personal=["id", "request", "recorded_by"],
)

registry.register_without_personal_data(
    models.ReminderLog, reason="Deadline reminders sent to staff; no customer data."
)

# Models of the access-report and rectification workflows (GDPR Art. 15, 16, 20).
registry.register(
    models.AccessReport,
    category="requests",
    path="request__customers",
    table="access_report",
    personal={
        "kind": Personal(erase=KEEP),
        "created_at": Personal(erase=KEEP),
        "expires_at": Personal(erase=KEEP),
    },
    not_personal=[
        "id",
        "request",
        "file_path",
        "created_by",
        "deleted_at",
        "sha256",
        "size",
        "customer_count",
        "released_at",
        "released_by",
    ],
)
registry.register(
    models.WithheldItem,
    category="requests",
    path="report__request__customers",
    table="withheld_item",
    # What was left out of an earlier report and why (Art. 15(4)); the reason is the controller's
    # own reasoning, kept like a rejection's justification.
    personal={
        "table": Personal(erase=KEEP),
        "field": Personal(erase=KEEP),
        "reason": Personal(erase=KEEP),
        "withheld_at": Personal(erase=KEEP),
    },
    not_personal=["id", "report", "row_id", "withheld_by"],
)
registry.register_without_personal_data(
    models.DownloadLog, reason="When a report was downloaded and by whom (staff or the customer)."
)
registry.register(
    models.RectificationChange,
    category="requests",
    path="customer",
    table="rectification_change",
    personal={
        "field": Personal(provided=True, erase=KEEP),
        "current_value": Personal(),
        "customer_value": Personal(provided=True),
        "proposed_value": Personal(),
        "created_at": Personal(erase=KEEP),
        "applied_at": Personal(erase=KEEP),
        "rejected_at": Personal(erase=KEEP),
        # Staff's reason may quote the values it is about: cleared on erasure.
        "rejection_reason": Personal(staff_text=True),
    },
    not_personal=["id", "request", "customer", "staff_edited", "applied_by", "rejected_by"],
)
registry.register(
    models.SupplementaryStatement,
    category="requests",
    path="customer",
    table="supplementary_statement",
    personal={"text": Personal(provided=True, erase=ERASED_TEXT), "created_at": Personal(erase=KEEP)},
    not_personal=["id", "customer", "request", "created_by"],
)

# Erasure, restriction, objection, Art. 19.
registry.register_without_personal_data(
    models.ErasureRecord, reason="Which rows and fields were erased or retained, never their values."
)
registry.register(
    models.LegalClaim,
    category="requests",
    path="customer",
    table="legal_claim",
    personal={
        "note": Personal(erase=ERASED_TEXT, staff_text=True),
        "until": Personal(erase=KEEP),
        "noted_at": Personal(erase=KEEP),
        "lifted_at": Personal(erase=KEEP),
    },
    not_personal=["id", "customer", "request", "noted_by"],
)
registry.register_without_personal_data(
    models.RecipientNotification, reason="Which recipient was told of which request, and when."
)
