"""Review before release (GDPR Art. 15(4)): what an access report holds, withheld items, and release.

Staff see every table and every text staff wrote about the customer before the link can be sent; an
item is withheld only with a recorded reason, and the report is rebuilt without it.
"""

from __future__ import annotations

import json
import logging
import zipfile
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from requests.models import AccessReport, RequestEvent, WithheldItem
from requests.reports import ReportError, _customers_of, _sha256, _table_labels, _write_report_file

# Its log lines are the reports' own, under one logger name.
logger = logging.getLogger("requests.reports")


@dataclass
class StaffText:
    """A free text staff wrote, as the report holds it: shown in full for review before release."""

    table: str
    table_label: str
    row_id: int
    field: str
    field_label: str
    text: str


@dataclass
class ReportReview:
    """What a report holds, for staff to check before releasing it."""

    # Per customer of the report: [(table label, table, number of rows)].
    tables: list[list[tuple[str, str, int]]]
    staff_texts: list[StaffText]
    withheld: list[WithheldItem]


def staff_text_fields() -> dict[str, set[str]]:
    """{table: fields} of the free texts staff write about customers (the registry's ``staff_text``)."""
    from register.registry import registry

    fields: dict[str, set[str]] = {}
    for declaration in registry.with_personal_data():
        names = {name for name, rule in declaration.personal.items() if rule.staff_text}
        if names:
            fields[declaration.table] = names
    return fields


def _read_data(report: AccessReport) -> dict[str, Any]:
    with zipfile.ZipFile(report.path) as archive, archive.open("data.json") as raw:
        return json.load(raw)


def review_report(report: AccessReport) -> ReportReview:
    """Return what the report's file holds: its tables with row counts, and every staff text in full."""
    data = _read_data(report)
    labels = _table_labels()
    texts_by_table = staff_text_fields()
    tables: list[list[tuple[str, str, int]]] = []
    staff_texts: dict[tuple[str, int, str], StaffText] = {}
    for customer in data.get("customers", []):
        counts = []
        for categories in customer.values():
            for table, rows in categories.items():
                title, columns = labels.get(table, (table, {}))
                counts.append((title, table, len(rows)))
                for row in rows:
                    for field in sorted(texts_by_table.get(table, ())):
                        value = row.get(field)
                        if value:
                            key = (table, int(row["id"]), field)
                            staff_texts[key] = StaffText(
                                table, title, int(row["id"]), field, columns.get(field, field), str(value)
                            )
        tables.append(counts)
    withheld = list(report.withheld_items.select_related("withheld_by"))
    return ReportReview(tables=tables, staff_texts=list(staff_texts.values()), withheld=withheld)


def _lock_unreleased(report: AccessReport) -> None:
    """Lock the report's row and re-read it; refuse a report released, deleted or expired meanwhile."""
    released = report.released_at
    report.refresh_from_db(from_queryset=AccessReport.objects.select_for_update())
    if report.released_at is not None:
        if released is None:
            raise ReportError(gettext("This report was released by someone else a moment ago."))
        raise ReportError(gettext("This report is already released; generate a new one to change it."))
    if not report.is_available():
        raise ReportError(gettext("The report has expired or was deleted; generate a new one."))


def withhold_item(
    report: AccessReport, *, table: str, row_id: int, field: str, reason: str, by
) -> WithheldItem:
    """Leave one staff text out of the report, with the reason (GDPR Art. 15(4)), and rebuild its file.

    Only a text the report holds and only before release. The new file replaces the old one after
    the commit; ``index.html`` then lists the item as withheld with the reason.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ReportError(gettext("Say whose rights the text would affect: a withheld item needs a reason."))
    with transaction.atomic():
        _lock_unreleased(report)
        key = (table, int(row_id), field)
        if key not in {(t.table, t.row_id, t.field) for t in review_report(report).staff_texts}:
            raise ReportError(gettext("Only a text staff wrote that the report holds can be withheld."))
        item = WithheldItem.objects.create(
            report=report, table=table, row_id=row_id, field=field, reason=reason, withheld_by=by
        )
        RequestEvent.objects.create(
            request_id=report.request_id,
            kind=RequestEvent.Kind.ITEM_WITHHELD,
            actor=by,
            # Where, never the text itself.
            detail=f"{report.pk}: {table} {row_id} {field}",
        )
        _rebuild(report)
    return item


def _rebuild(report: AccessReport) -> None:
    """Write the report's file again with its withheld items left out; the old file goes after commit."""
    request = report.request
    withheld = {
        (item.table, str(item.row_id), item.field): item.reason for item in report.withheld_items.all()
    }
    old = report.path
    relative, final = _write_report_file(
        request, _customers_of(request), report.kind, timezone.now(), withheld
    )
    try:
        report.file_path = relative
        report.sha256 = _sha256(final)
        report.size = final.stat().st_size
        report.save(update_fields=["file_path", "sha256", "size"])
    except BaseException:
        final.unlink(missing_ok=True)
        raise
    transaction.on_commit(lambda: old.unlink(missing_ok=True))


def release_report(report: AccessReport, *, by, reviewed_sha256: str) -> None:
    """Release a reviewed report to the customer; only then can its link be emailed.

    ``reviewed_sha256`` is the checksum of the file the staff member reviewed: a file rebuilt since
    (someone withheld an item) is refused, so what is released is what was seen.
    """
    with transaction.atomic():
        _lock_unreleased(report)
        if reviewed_sha256 != report.sha256:
            raise ReportError(gettext("The report changed since you reviewed it; review it again."))
        request = report.request
        request._lock()
        if not request.is_open:
            raise ReportError(gettext("The request is closed; the report can no longer be released."))
        report.released_at = timezone.now()
        report.released_by = by
        report.save(update_fields=["released_at", "released_by"])
        request.log(
            RequestEvent.Kind.REPORT_RELEASED,
            by=by,
            code="report_released",
            args={"id": report.pk, "count": report.withheld_items.count()},
        )
    logger.info("Report %s of request %s released by user %s", report.pk, request.pk, getattr(by, "pk", "-"))
