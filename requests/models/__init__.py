"""The models of data-subject requests, grouped by part of the workflow.

- ``request``: the request, its state machine and audit trail, correspondence, notes, reminders;
- ``reports``: access reports and their downloads, rectifications, supplementary statements;
- ``erasure``: erasure records, legal claims and Art. 19 recipient notifications.

Import every model from ``requests.models``; the modules are an internal grouping.
"""

# Models register in this order (requests first, as the other two refer to them).
from requests.models.request import (
    IdentityEvidenceEntry,
    InternalNote,
    Language,
    ReminderLog,
    Request,
    RequestEvent,
    RequestMessage,
    TransitionError,
)

# isort: split
from requests.models.reports import (
    AccessReport,
    DownloadLog,
    RectificationChange,
    SupplementaryStatement,
    WithheldItem,
)

# isort: split
from requests.models.erasure import ErasureRecord, LegalClaim, RecipientNotification

__all__ = [
    "AccessReport",
    "DownloadLog",
    "ErasureRecord",
    "IdentityEvidenceEntry",
    "InternalNote",
    "Language",
    "LegalClaim",
    "RecipientNotification",
    "RectificationChange",
    "ReminderLog",
    "Request",
    "RequestEvent",
    "RequestMessage",
    "SupplementaryStatement",
    "TransitionError",
    "WithheldItem",
]
