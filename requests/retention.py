"""Retention rules for the requests app's data: unverified requests, closed requests and access-report
files (the engine is ``register.retention``).

This app also tells the customers app's rules what only it knows: a customer with an open request
or an active legal claim is not anonymised, an active legal claim keeps the customer's bookkeeping
records (GDPR Art. 17(3)(e)), and customers are anonymised through ``erase_customer``, the same
workflow an erasure request uses.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce

from customers.retention import hooks
from register.models import CountsFrom, RetentionKey
from register.registry import registry
from register.retention import Purger, Rule, Step, among, chunks, history_model, register_rule
from requests.erasure import erase_customer
from requests.models import AccessReport, InternalNote, LegalClaim, Request, RequestEvent, RequestMessage
from requests.models.request import NOT_ACTIONABLE_STATUSES
from requests.reports import REPORTS_FOLDER


def open_request_or_legal_claim(today: date) -> Q:
    """Customers with an open request or an active legal claim (a condition over ``Customer``)."""
    customer = OuterRef("pk")
    open_request = Request.customers.through.objects.filter(
        customer_id=customer, request__status__in=Request.OPEN_STATUSES
    )
    claim = LegalClaim.objects.active(today).filter(customer_id=customer)
    return Q(Exists(open_request)) | Q(Exists(claim))


def legal_claim_on_customer(today: date) -> Q:
    """Orders whose customer has an active legal claim (a condition over ``Order``)."""
    return Q(Exists(LegalClaim.objects.active(today).filter(customer_id=OuterRef("customer_id"))))


hooks.customer_holds.append(open_request_or_legal_claim)
hooks.order_holds.append(legal_claim_on_customer)
hooks.erase_customer = erase_customer


@register_rule
class UnverifiedRequest(Rule):
    """Requests whose email was never confirmed, after the period (7 days): delete."""

    key = RetentionKey.UNVERIFIED_REQUEST
    events = (CountsFrom.REQUEST_RECEIVED,)

    def steps(self) -> list[Step]:
        candidates = Request.objects.filter(
            status__in=NOT_ACTIONABLE_STATUSES, verified_at__isnull=True, received_at__lt=self.cutoff
        )
        return [Step(candidates, "received_at", lambda pks, purger: purger.delete(Request, pks))]


@register_rule
class CompletedRequest(Rule):
    """Closed requests after the period: keep the record of handling, remove who and what was asked.

    The request keeps its kind, status, dates, deadline, verification method and the controller's
    own reasons: the proof that it was answered in time (GDPR Art. 5(2), 12(3)). The personal fields
    its privacy declaration erases go, with the values erasure gives them.
    """

    key = RetentionKey.COMPLETED_REQUEST
    verb = "minimised"
    events = (CountsFrom.REQUEST_COMPLETED,)

    # Event details that may quote the customer; rejection and extension details are the
    # controller's own reasons (Art. 12(4), 12(5)) and stay.
    SCRUBBED_EVENT_KINDS = (
        "verified",
        "match_proposed",
        "match_confirmed",
        "message_sent",
        "message_received",
        "assigned",
    )

    @staticmethod
    def erased_values() -> dict:
        """The request's personal fields, as its privacy declaration erases them."""
        return registry.declaration(Request).erase_values()

    def steps(self) -> list[Step]:
        closed = Coalesce("closed_at", "completed_at")
        request = OuterRef("pk")
        personal = Q()
        for name, erased in self.erased_values().items():
            personal |= ~Q(**{name: erased})
        personal |= Q(Exists(Request.customers.through.objects.filter(request_id=request)))
        personal |= Q(Exists(InternalNote.objects.filter(request_id=request)))
        personal |= Q(
            Exists(RequestMessage.objects.filter(request_id=request).exclude(body="", recipient=""))
        )
        personal |= Q(
            Exists(
                RequestEvent.objects.filter(request_id=request, kind__in=self.SCRUBBED_EVENT_KINDS).exclude(
                    detail=""
                )
            )
        )
        personal |= Q(Exists(history_model(Request)._base_manager.filter(id=request)))
        candidates = (
            Request.objects.alias(closed_on=closed)
            .filter(status__in=[Request.Status.COMPLETED, Request.Status.REJECTED], closed_on__lt=self.cutoff)
            .filter(personal)
        )
        return [Step(candidates, closed, self.minimise)]

    def minimise(self, pks: list, purger: Purger) -> None:
        # By the keys themselves, never by a batch's key window: an update has no count that would
        # notice a request that came into the window meanwhile (``register.retention.Batch``).
        for chunk in chunks(list(pks)):
            purger.update(
                among(Request._base_manager.all(), "pk", chunk), token_hash=None, **self.erased_values()
            )
            purger.update(
                among(RequestMessage._base_manager.exclude(body="", recipient=""), "request", chunk),
                body="",
                recipient="",
            )
            purger.update(
                among(
                    RequestEvent._base_manager.filter(kind__in=self.SCRUBBED_EVENT_KINDS).exclude(detail=""),
                    "request",
                    chunk,
                ),
                detail="",
            )
            purger.delete(
                InternalNote,
                among(InternalNote._base_manager.all(), "request", chunk).values_list("pk", flat=True),
            )
            through = Request.customers.through
            purger.delete(
                through, among(through._base_manager.all(), "request", chunk).values_list("pk", flat=True)
            )
            # The history holds every earlier version of the request, with the data just removed.
            purger._delete_queryset(among(history_model(Request)._base_manager.all(), "id", chunk))


def _stored_files(folder: str = "") -> dict[str, Path]:
    """The files under ``folder`` of the private storage, by their path relative to it (as reports
    name them)."""
    root = Path(settings.PRIVATE_STORAGE_ROOT)
    under = root / folder
    if not under.is_dir():
        return {}
    return {path.relative_to(root).as_posix(): path for path in under.rglob("*") if path.is_file()}


@register_rule
class AccessReportFiles(Rule):
    """Access-report files whose download link has expired: delete the file, mark the report.

    Also removes the file of a report already marked deleted whose file is still there: erasure
    deletes report files right after its commit, and a process that died in between leaves one. And
    files in the reports' folder that no report names (``stray_files``).
    """

    key = RetentionKey.ACCESS_REPORT
    # The files go when their download link expires; the period is the link's lifetime.
    events = (CountsFrom.CREATION,)
    stray_label = f"{AccessReport._meta.label} (file no report names, deleted)"
    # A file younger than this may belong to a report still being built, whose row is not committed yet
    # (a build holds its request for at most half an hour: requests.background.CLAIM_SECONDS).
    STRAY_AFTER = timedelta(hours=1)

    def stray_files(self) -> list[Path]:
        """Files under the reports' folder, older than ``STRAY_AFTER``, that no report names.

        A report is written to its file before its row is committed: a build whose transaction was rolled
        back, or whose process died before the commit, leaves a whole file no row names, and a build killed
        while writing leaves its partial file (``.building-…``); so does a rebuilt report's old file when
        the process dies before removing it. Each holds the customer's personal data and no link, expiry or
        erasure would ever reach it.
        """
        before = (self.now - self.STRAY_AFTER).timestamp()
        old = {
            relative: path
            for relative, path in _stored_files(REPORTS_FOLDER).items()
            if path.stat().st_mtime < before
        }
        named: set[str] = set()
        for chunk in chunks(list(old), 500):
            named.update(AccessReport.objects.filter(file_path__in=chunk).values_list("file_path", flat=True))
        return [path for relative, path in sorted(old.items()) if relative not in named]

    def steps(self) -> list[Step]:
        left_behind = AccessReport.objects.filter(pk__in=self.files_left_behind())
        return [
            Step(AccessReport.objects.expired(now=self.now), "expires_at", self.delete_files),
            Step(left_behind, "deleted_at", self.remove_left_files),
        ]

    @staticmethod
    def files_left_behind() -> list[int]:
        """Ids of reports marked deleted whose file still exists under the private storage folder.

        Walks the files present (few: live reports and what is left behind), not the reports ever made.
        """
        pks: list[int] = []
        for chunk in chunks(list(_stored_files()), 500):
            deleted = AccessReport.objects.filter(deleted_at__isnull=False, file_path__in=chunk)
            pks += deleted.values_list("pk", flat=True)
        return pks

    def delete_files(self, pks: list, purger: Purger) -> None:
        label = f"{AccessReport._meta.label} (file deleted)"
        if purger.dry_run:
            purger.counts[label] += len(pks)
            return
        # One file per report: the rows stay as evidence that a copy was given (GDPR Art. 15(3)).
        for report in AccessReport.objects.filter(pk__in=pks).order_by("pk"):
            report.delete_file(now=self.now)
            purger.counts[label] += 1

    def remove_left_files(self, pks: list, purger: Purger) -> None:
        label = f"{AccessReport._meta.label} (file left behind, deleted)"
        if purger.dry_run:
            purger.counts[label] += len(pks)
            return
        for report in AccessReport.objects.filter(pk__in=pks).order_by("pk"):
            report.path.unlink(missing_ok=True)
            purger.counts[label] += 1
