"""Audit exports: evidence that the shop keeps its promises (GDPR Art. 5(2), 7(1), 24).

- The requests of a period (CSV or JSON): number, kind, channel and the dates of each step, the
  outcome and who handled it. No personal data beyond the request number.
- The consent ledger of one purpose and period (CSV), each event with the number of the privacy
  notice in force when it happened.

Both stream their rows, so a long period does not load into memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django import forms
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import ConsentEvent, ConsentPurpose
from register.models import NoticeVersion
from requests.deadlines import local_date
from requests.models import Request

PERMISSION = "breaches.export_audit"
CHUNK = 2000

REQUEST_COLUMNS = [
    "number",
    "kind",
    "channel",
    "received",
    "verified",
    "due",
    "extended_to",
    "outcome",
    "closed",
    "rejection_reason",
    "handled_by",
    "days_taken",
]
CONSENT_COLUMNS = ["event", "customer_id", "purpose", "action", "occurred_at", "via", "notice_version"]


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("until"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class ConsentPeriodForm(PeriodForm):
    purpose = forms.ModelChoiceField(
        label=_("purpose"), queryset=ConsentPurpose.objects.all(), to_field_name="code"
    )


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime.combine(start, time.min, zone), datetime.combine(end + timedelta(days=1), time.min, zone)


def _iso(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def request_rows(start: date, end: date) -> Iterator[dict]:
    """One dict per request received in the period (local dates, inclusive), in receipt order."""
    low, high = _bounds(start, end)
    requests = (
        Request.objects.filter(received_at__gte=low, received_at__lt=high)
        .order_by("received_at", "pk")
        .values_list(
            "pk",
            "kind",
            "received_via",
            "received_at",
            "verified_at",
            "due_date",
            "extended_due_date",
            "status",
            "closed_at",
            "completed_at",
            "rejection_reason",
            "assignee__username",
        )
    )
    last = None
    while True:
        page = (
            requests
            if last is None
            else requests.filter(received_at__gte=last[0]).exclude(received_at=last[0], pk__lte=last[1])
        )
        rows = list(page[:CHUNK])
        for pk, kind, via, received, verified, due, extended, status, closed, completed, reason, user in rows:
            done = completed or (closed if status == Request.Status.REJECTED else None)
            yield {
                "number": f"R-{pk}",
                "kind": kind,
                "channel": via,
                "received": _iso(received),
                "verified": _iso(verified),
                "due": _iso(due),
                "extended_to": _iso(extended),
                "outcome": status,
                "closed": _iso(closed),
                "rejection_reason": reason or "",
                "handled_by": user or "",
                "days_taken": (local_date(done) - local_date(received)).days if done else "",
            }
        if len(rows) < CHUNK:
            return
        last = (rows[-1][3], rows[-1][0])


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(header: list[str], rows: Iterator[dict]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([row[column] for column in header])


def _json_lines(rows: Iterator[dict]) -> Iterator[str]:
    yield "[\n"
    first = True
    for row in rows:
        yield ("" if first else ",\n") + json.dumps(row, ensure_ascii=False)
        first = False
    yield "\n]\n"


def requests_response(start: date, end: date, fmt: str | None) -> StreamingHttpResponse:
    """The requests of the period, streamed as CSV (default) or JSON (``fmt="json"``)."""
    rows = request_rows(start, end)
    name = f"requests-{start}-{end}"
    if fmt == "json":
        response = StreamingHttpResponse(_json_lines(rows), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    else:
        response = StreamingHttpResponse(
            _csv_lines(REQUEST_COLUMNS, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def consent_rows(purpose: ConsentPurpose, start: date, end: date) -> Iterator[dict]:
    """The ledger's events of ``purpose`` in the period, each with the notice version in force then.

    The version is what the notice history says was in force at the event
    (``NoticeVersion.objects.in_force_on``), read once: the versions are few.
    """
    low, high = _bounds(start, end)
    versions = list(
        NoticeVersion.objects.order_by("published_at", "number").values_list("published_at", "number")
    )

    def in_force(moment: datetime) -> int | str:
        number: int | str = ""
        for published_at, version in versions:
            if published_at <= moment:
                number = version
            else:
                break
        return number

    events = (
        ConsentEvent.objects.filter(purpose=purpose, occurred_at__gte=low, occurred_at__lt=high)
        .order_by("pk")
        .values_list("pk", "customer_id", "action", "occurred_at", "via")
    )
    last = 0
    while True:
        rows = list(events.filter(pk__gt=last)[:CHUNK])
        for pk, customer_id, action, occurred_at, via in rows:
            yield {
                "event": pk,
                "customer_id": customer_id,
                "purpose": purpose.code,
                "action": action,
                "occurred_at": _iso(occurred_at),
                "via": via,
                "notice_version": in_force(occurred_at),
            }
        if len(rows) < CHUNK:
            return
        last = rows[-1][0]


def consents_response(purpose: ConsentPurpose, start: date, end: date) -> StreamingHttpResponse:
    rows = consent_rows(purpose, start, end)
    response = StreamingHttpResponse(
        _csv_lines(CONSENT_COLUMNS, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="consents-{purpose.code}-{start}-{end}.csv"'
    return response
