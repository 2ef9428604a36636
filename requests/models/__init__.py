"""The models of data-subject requests, grouped by part of the workflow.

- ``request``: the request and its state machine;
- ``trail``: its audit trail, correspondence, identity evidence, internal notes, reminders;
- ``reports``: access reports and their downloads, rectifications, supplementary statements;
- ``erasure``: erasure records, legal claims and Art. 19 recipient notifications.

Import every model from ``requests.models``; the modules are an internal grouping.
"""

# Models register in this order (requests first, as the other two refer to them).
from requests.models.request import Language, Request, TransitionError
from requests.models.trail import (
    IdentityEvidenceEntry,
    InternalNote,
    ReminderLog,
    RequestEvent,
    RequestMessage,
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
