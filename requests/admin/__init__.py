"""The admin of data-subject requests: one module per admin.

- ``request``: the request workflow (list, add, buttons, erasure preview, rights steps);
- ``request_message``: all correspondence; ``access_report``: reports and their downloads;
- ``rectification``: proposed and applied corrections and the review page;
- ``recipient_notification``: Art. 19 tasks; ``legal_claim``; ``erasure_record``.

Pages that act on one request fetch it through the request admin's queryset
(``base.RequestPagesMixin``), so that admin's restrictions apply to them too.
"""

from requests.admin.access_report import AccessReportAdmin
from requests.admin.erasure_record import ErasureRecordAdmin
from requests.admin.legal_claim import LegalClaimAdmin
from requests.admin.recipient_notification import RecipientNotificationAdmin
from requests.admin.rectification import RectificationChangeAdmin
from requests.admin.request import RequestAdmin
from requests.admin.request_message import RequestMessageAdmin

__all__ = [
    "AccessReportAdmin",
    "ErasureRecordAdmin",
    "LegalClaimAdmin",
    "RecipientNotificationAdmin",
    "RectificationChangeAdmin",
    "RequestAdmin",
    "RequestMessageAdmin",
]
