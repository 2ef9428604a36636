"""Large access reports and portability exports, built by the background worker.

A customer with thousands of orders makes a report that takes longer than a page should wait, so
``generate_report`` builds it at once only below ``settings.REPORT_BACKGROUND_ORDERS`` orders;
above, it marks the request (``report_queued_at``) and queues ``build_report`` on the task queue, in
the same transaction. The admin shows "being generated" while the mark is set.

The task is idempotent: it claims the request with a lease, does nothing when a report made since
the mark already exists (a second run, or a worker that died after building), and clears the mark
when done. A worker killed mid-build leaves its claim to expire; ``manage.py send_queued_messages``
(cron, and every ``make run``) hands such requests back to the queue, so nothing is lost.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django_tasks import task

from requests.models import AccessReport, Request, TransitionError
from requests.reports import build_access_report

logger = logging.getLogger(__name__)

# A build longer than this is taken to belong to a worker that died; the request is queued again.
CLAIM_SECONDS = 30 * 60
# A queued build not started after this long is queued again (its task may have been lost).
SWEEP_AFTER = 5 * 60


def needs_background(request: Request) -> bool:
    """Whether the request's customers have more orders than a click should wait for."""
    orders = request.customers.aggregate(n=Count("orders"))["n"] or 0
    return orders > settings.REPORT_BACKGROUND_ORDERS


def generate_report(request: Request, *, by) -> AccessReport | None:
    """Build the request's report now, or queue it for the worker when it is large; None when queued.

    Raises ``TransitionError`` when the request may not have a report (as ``build_access_report``).
    """
    if not needs_background(request):
        return build_access_report(request, by=by)
    queue_report(request, by=by)
    return None


def queue_report(request: Request, *, by) -> bool:
    """Mark the request and queue its report build; False when one is already being generated."""
    from requests.reports import _check_reportable

    _check_reportable(request)
    with transaction.atomic():
        marked = Request.objects.filter(pk=request.pk, report_queued_at__isnull=True).update(
            report_queued_at=timezone.now(), report_queued_by=by, report_claimed_until=None
        )
        if marked:
            _enqueue(request.pk)
    request.refresh_from_db(fields=["report_queued_at", "report_queued_by", "report_claimed_until"])
    return bool(marked)


def _enqueue(request_pk: int) -> None:
    from register.outbox import _writes_to_database

    backend = build_report.get_backend()
    if _writes_to_database(backend):
        build_report.enqueue(request_pk)  # committed with the mark, or not at all
    else:
        transaction.on_commit(lambda: build_report.enqueue(request_pk), robust=True)


@task()
def build_report(request_pk: int) -> str:
    """Build one queued report (the task the workers run); return what happened."""
    return run_build(request_pk)


def run_build(request_pk: int, now: datetime | None = None) -> str:
    """Claim, build and unmark one queued report; a duplicate or late run changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        request = (
            Request.objects.select_for_update(skip_locked=True)
            .filter(pk=request_pk, report_queued_at__isnull=False)
            .filter(Q(report_claimed_until__isnull=True) | Q(report_claimed_until__lt=now))
            .first()
        )
        if request is None:
            return "not due"
        if request.reports.filter(created_at__gte=request.report_queued_at, deleted_at__isnull=True).exists():
            _unmark(request_pk)
            return "exists"
        claim = now + timedelta(seconds=CLAIM_SECONDS)
        Request.objects.filter(pk=request_pk).update(report_claimed_until=claim)
    try:
        report = build_access_report(request, by=request.report_queued_by)
    except TransitionError as exc:
        # The request was closed or changed meanwhile: nothing to build; staff see no report.
        _unmark(request_pk)
        logger.warning("Queued report of request %s not built: %s", request_pk, exc.code or "refused")
        return "refused"
    except Exception:
        # Released at once, so the sweep tries again without waiting for the claim to expire.
        Request.objects.filter(pk=request_pk).update(report_claimed_until=None)
        raise
    _unmark(request_pk)
    logger.info("Queued report of request %s built: report %s", request_pk, report.pk)
    return "built"


def _unmark(request_pk: int) -> None:
    Request.objects.filter(pk=request_pk).update(
        report_queued_at=None, report_queued_by=None, report_claimed_until=None
    )


def sweep_reports(now: datetime | None = None) -> int:
    """Queue again every marked report whose worker died (claim expired) or never started; return how many."""
    now = now or timezone.now()
    # Never started for a while (the worker was down) or claimed by a worker that died.
    waiting = Q(report_claimed_until__isnull=True, report_queued_at__lt=now - timedelta(seconds=SWEEP_AFTER))
    due = Request.objects.filter(report_queued_at__isnull=False).filter(
        waiting | Q(report_claimed_until__lt=now)
    )
    count = 0
    for pk in due.values_list("pk", flat=True).iterator():
        build_report.enqueue(pk)
        count += 1
    return count
