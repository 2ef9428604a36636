"""Access reports (GDPR Art. 15) and portability exports (Art. 20), and their signed links.

``build_access_report(request, by)`` writes one ZIP for a verified request: ``data.json`` (every
personal datum the registry declares, nested by category, ISO dates), one CSV per table, and
``index.html``, a page in the customer's language that answers Art. 15(1)(a)–(h) and 15(2) from the
notice version in force, followed by the data. A portability export holds only what the customer
provided (profile, orders, consents) as JSON and CSV.

The file is written to a temporary name beside its final place and renamed atomically, so a
failure leaves no half-written report. Rows are streamed table by table from the registry, so
memory and the number of queries do not grow with a customer's orders.

Links sign the report id only (``django.core.signing.TimestampSigner``); no personal data ever
appears in a URL.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import secrets
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from requests.models import AccessReport, Request, RequestEvent, TransitionError, WithheldItem

logger = logging.getLogger(__name__)

# The signer's salt keeps report links from being valid for any other signed value.
DOWNLOAD_SALT = "requests.report-download"
REPORTS_FOLDER = "reports"
CHUNK_SIZE = 64 * 1024
# Requests whose kind entitles the customer to a report.
REPORT_KIND_FOR_REQUEST = {
    Request.Kind.ACCESS: AccessReport.Kind.ACCESS,
    Request.Kind.PORTABILITY: AccessReport.Kind.PORTABILITY,
}


# Withheld items of a report: {(table, row id as text, field): reason}.
Withheld = dict[tuple[str, str, str], str]


class ReportError(TransitionError):
    """A report cannot be built for this request (not verified, wrong kind, match unchecked)."""


# --- Links --------------------------------------------------------------------------------------


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=DOWNLOAD_SALT)


def make_download_token(report: AccessReport) -> str:
    """Return the URL token of ``report``: its id, signed and timestamped; nothing personal."""
    return _signer().sign(str(report.pk))


def download_url(report: AccessReport, language: str | None = None) -> str:
    """Return the absolute download link of ``report`` under the customer's language prefix."""
    with translation.override(language or report.request.language):
        path = reverse("requests:report", args=[make_download_token(report)])
    return settings.SITE_URL + path


def report_for_token(token: str, now: datetime | None = None) -> tuple[AccessReport | None, str]:
    """Return ``(report, state)``; state is ``valid``, ``invalid``, ``expired`` or ``deleted``.

    The signature binds the token to one report id, so a token for one customer's report can
    never open another's (GDPR Art. 15(4)).
    """
    now = now or timezone.now()
    max_age = timedelta(days=settings.REPORT_LINK_DAYS)
    try:
        value = _signer().unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        return None, "expired"
    except signing.BadSignature:
        return None, "invalid"
    if not value.isdigit():
        return None, "invalid"
    report = AccessReport.objects.select_related("request").filter(pk=int(value)).first()
    if report is None:
        return None, "invalid"
    if report.deleted_at is not None or not report.path.is_file():
        return report, "deleted"
    if now >= report.expires_at:
        return report, "expired"
    return report, "valid"


def send_report_link(report: AccessReport, *, sent_by=None):
    """Email the download link to the customer in their language; store it as correspondence.

    The stored body names the link's expiry but not the link: the link is a credential.
    """
    from requests.emails import render_email, send_email

    req = report.request
    if not req.email:
        raise ReportError(gettext("The request has no email address."))
    if not report.is_released:
        raise ReportError(gettext("Review and release the report before emailing its link."))
    if not report.is_available():
        raise ReportError(gettext("The report has expired or was deleted; generate a new one."))
    context = {
        "kind": report.kind,
        "number": req.number,
        "expires_at": timezone.localtime(report.expires_at),
        "days": settings.REPORT_LINK_DAYS,
    }
    from requests import notice

    with translation.override(req.language):
        context["controller"] = notice.controller()
        context["authority"] = notice.supervisory_authority(req.language)
    message = send_email(
        "report_link",
        to=[req.email],
        language=req.language,
        context={**context, "link": download_url(report)},
        request=req,
        sent_by=sent_by,
    )
    # Replace the stored body by the version without the link.
    _subject, text, _html = render_email(
        "report_link", req.language, {**context, "link": gettext("[link not stored]")}
    )
    message.body = text
    message.save(update_fields=["body"])
    logger.info("Report %s of request %s: link emailed to the customer", report.pk, req.pk)
    return message


# --- Building -----------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return DjangoJSONEncoder().default(value)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _customers_of(request: Request) -> list:
    return list(request.customers.order_by("pk"))


def _tables(customer, provided_only: bool) -> Iterator[tuple[str, list[str], Iterable[Iterable[Any]]]]:
    from register.registry import registry

    yield from registry.iter_tables(customer, provided_only=provided_only)


def _table_labels() -> dict[str, tuple[str, dict[str, str]]]:
    """Return {table: (the model's plural name, {column: field name})} in the active language.

    The readable page names tables and columns for people; data.json and the CSV files keep the
    stable machine names.
    """
    from register.registry import registry

    labels = {}
    for declaration in registry.declarations():
        columns = {}
        for name in declaration.personal:
            try:
                columns[name] = str(declaration.model._meta.get_field(name).verbose_name).capitalize()
            except FieldDoesNotExist:
                columns[name] = name
        labels[declaration.table] = (str(declaration.model._meta.verbose_name_plural).capitalize(), columns)
    return labels


def notice_context(language: str, at: datetime | None = None) -> dict[str, Any]:
    """Return the notice in force at ``at`` (default now) localised to ``language``, or {}."""
    from register.legal import SUPERVISORY_AUTHORITIES
    from register.models import NoticeVersion, notice_country
    from register.publishing import localise_snapshot

    version = NoticeVersion.objects.in_force_on(at or timezone.now())
    if version is None:
        # Nothing was published before ``at``: the country customers are told about now.
        authority = SUPERVISORY_AUTHORITIES[notice_country()]
        return {
            "version": None,
            "notice": {
                "authority": {"name": authority.name(language), "website": authority.website},
            },
        }
    data = localise_snapshot(version.snapshot, language)
    data["transfer_recipients"] = [r for r in data.get("recipients", []) if r.get("outside_eea")]
    data["other_sources"] = [c for c in data.get("categories", []) if not c.get("provided_by_customer")]
    return {"version": version, "notice": data}


def _without_withheld(table: str, header: list[str], rows: Iterable, withheld: Withheld) -> Iterator[list]:
    """The rows with every withheld value left out (the cell stays, empty)."""
    for row in rows:
        row = list(row)
        if withheld:
            row = [
                "" if (table, str(row[0]), name) in withheld else v
                for name, v in zip(header, row, strict=True)
            ]
        yield row


def law_keeps(customers: list, language: str) -> list[dict[str, Any]]:
    """What bookkeeping law and the statutory holds would keep of the customers' records, and until when.

    The erasure preview's retained items, limited to the holds the law sets (GDPR Art. 15(1)(d), 17(3)(b)).
    """
    from register.registry import HoldName
    from requests.erasure import preview_erasure, summarise_retained

    by_law = {HoldName.BOOKKEEPING, HoldName.STATUTORY}
    items = []
    for customer in customers:
        for item in preview_erasure(customer).retained:
            holds = [match for match in item.holds if match.name in by_law]
            if holds:
                ends = [match.until for match in holds]
                record = item.as_record()
                record.update(
                    hold=holds[-1].name,
                    until=None if None in ends else max(ends).isoformat(),
                    holds=[match.as_record() for match in holds],
                )
                items.append(record)
    return summarise_retained(items, language)


def _write_csv(archive: zipfile.ZipFile, name: str, header: list[str], rows: Iterable) -> None:
    with archive.open(name, "w") as raw:
        # utf-8-sig: spreadsheet programs then read Nordic letters correctly.
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(value) for value in row])
        text.flush()
        text.detach()


def _write_data_json(
    archive: zipfile.ZipFile,
    name: str,
    header: dict[str, Any],
    customers: list,
    provided_only: bool,
    withheld: Withheld,
) -> None:
    """Write ``{**header, "customers": [{category: {table: [rows]}}]}`` one row at a time.

    The registry streams each table's rows, so memory does not grow with a customer's orders.
    Withheld values are left out of their rows (the header lists them, with the reason).
    """
    from register.registry import registry

    def dump(value: Any) -> str:
        return json.dumps(value, default=_json_default, ensure_ascii=False)

    with archive.open(name, "w") as raw:
        out = io.TextIOWrapper(raw, encoding="utf-8")
        out.write("{\n")
        for key, value in header.items():
            out.write(f"  {dump(key)}: {dump(value)},\n")
        out.write('  "customers": [')
        for customer_index, customer in enumerate(customers):
            out.write(",\n    {" if customer_index else "\n    {")
            category = None
            for table_category, table, rows in registry.iter_export(customer, provided_only=provided_only):
                if table_category != category:
                    if category is not None:
                        out.write("\n      },")
                    out.write(f"\n      {dump(table_category)}: {{")
                    category = table_category
                else:
                    out.write(",")
                out.write(f"\n        {dump(table)}: [")
                for row_index, row in enumerate(rows):
                    if withheld:
                        row = {k: v for k, v in row.items() if (table, str(row["id"]), k) not in withheld}
                    out.write(("," if row_index else "") + "\n          " + dump(row))
                out.write("\n        ]")
            if category is not None:
                out.write("\n      }")
            out.write("\n    }")
        out.write("\n  ]\n}\n")
        out.flush()
        out.detach()


def _html_table(
    out: IO[str],
    header: list[str],
    rows: Iterable,
    *,
    table: str = "",
    names: list[str] | None = None,
    withheld: Withheld | None = None,
) -> int:
    out.write("<table><thead><tr>")
    out.write("".join(f'<th scope="col">{escape(h)}</th>' for h in header))
    out.write("</tr></thead><tbody>\n")
    count = 0
    withheld = withheld or {}
    for row in rows:
        cells = []
        for name, value in zip(names or header, row, strict=True):
            reason = withheld.get((table, str(row[0]), name))
            if reason is None:
                cells.append(f"<td>{escape(_cell(value))}</td>")
            else:
                label = gettext("Withheld (GDPR Art. 15(4)): %(reason)s") % {"reason": reason}
                cells.append(f'<td class="withheld"><em>{escape(label)}</em></td>')
        out.write("<tr>" + "".join(cells) + "</tr>\n")
        count += 1
    out.write("</tbody></table>\n")
    return count


def _write_index(
    archive: zipfile.ZipFile,
    request: Request,
    customers: list,
    kind: str,
    csv_names: dict[tuple[int, str], str],
    now: datetime,
    withheld: Withheld,
) -> None:
    language = request.language
    provided_only = kind == AccessReport.Kind.PORTABILITY
    with translation.override(language):
        context = {
            **notice_context(language, now),
            "law_keeps": [] if provided_only else law_keeps(customers, language),
            "req": request,
            "kind": kind,
            "customers": customers,
            "generated_at": timezone.localtime(now),
            "language": language,
            "is_portability": provided_only,
        }
        head = render_to_string("requests/report/index_head.html", context)
        tail = render_to_string("requests/report/index_tail.html", context)
        with archive.open("index.html", "w") as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8")
            out.write(head)
            labels = _table_labels()
            for index, customer in enumerate(customers):
                if len(customers) > 1:
                    out.write(
                        "<h3>"
                        + escape(gettext("Customer number %(number)s") % {"number": customer.customer_number})
                        + "</h3>\n"
                    )
                for table, header, rows in _tables(customer, provided_only):
                    out.write(f'<section class="table" id="table-{index}-{escape(table)}">')
                    title, columns = labels.get(table, (table, {}))
                    out.write(f"<h4>{escape(title)}</h4>")
                    out.write(
                        '<p class="muted">'
                        + escape(gettext("Also in the file %(file)s") % {"file": csv_names[(index, table)]})
                        + "</p>"
                    )
                    _html_table(
                        out,
                        [columns.get(name, name) for name in header],
                        rows,
                        table=table,
                        names=header,
                        withheld=withheld,
                    )
                    out.write("</section>\n")
            if withheld:
                _write_withheld_list(out, withheld, labels)
            out.write(tail)
            out.flush()
            out.detach()


def _write_withheld_list(out: IO[str], withheld: Withheld, labels: dict) -> None:
    """The section of index.html that names every withheld item and why (GDPR Art. 15(4))."""
    out.write('<section id="withheld"><h2>' + escape(gettext("Withheld from this copy")) + "</h2>")
    out.write(
        "<p>"
        + escape(
            gettext(
                "We have left the following texts out of this copy because showing them would adversely "
                "affect the rights and freedoms of others (GDPR Art. 15(4)). You may ask us about them or "
                "complain to the supervisory authority."
            )
        )
        + "</p>\n<ul>"
    )
    for (table, row_id, field), reason in sorted(withheld.items()):
        title, columns = labels.get(table, (table, {}))
        what = f"{title}, {columns.get(field, field)} (id {row_id})"
        out.write(f"<li><strong>{escape(what)}</strong>: {escape(reason)}</li>")
    out.write("</ul></section>\n")


def _write_archive(
    target: IO[bytes], request: Request, customers: list, kind: str, now: datetime, withheld: Withheld
) -> None:
    provided_only = kind == AccessReport.Kind.PORTABILITY
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        header = {"format": 1, "kind": kind, "request": request.number, "generated_at": now.isoformat()}
        if withheld:
            header["withheld"] = [
                {"table": table, "id": int(row_id), "field": field, "reason": reason}
                for (table, row_id, field), reason in sorted(withheld.items())
            ]
        _write_data_json(archive, "data.json", header, customers, provided_only, withheld)
        csv_names: dict[tuple[int, str], str] = {}
        for index, customer in enumerate(customers):
            folder = f"customer-{index + 1}/" if len(customers) > 1 else ""
            for table, header, rows in _tables(customer, provided_only):
                name = f"{folder}{table}.csv"
                csv_names[(index, table)] = name
                _write_csv(archive, name, header, _without_withheld(table, header, rows, withheld))
        _write_index(archive, request, customers, kind, csv_names, now, withheld)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_report_file(
    request: Request, customers: list, kind: str, now: datetime, withheld: Withheld
) -> tuple[str, Path]:
    """Write the archive under a random name; return (path relative to the private folder, path).

    The file appears complete or not at all: written to a temporary file, then renamed.
    """
    folder = Path(settings.PRIVATE_STORAGE_ROOT) / REPORTS_FOLDER / f"{now:%Y}"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    # A random name: the file name tells nothing about the person.
    relative = f"{REPORTS_FOLDER}/{now:%Y}/{secrets.token_hex(16)}.zip"
    final = Path(settings.PRIVATE_STORAGE_ROOT) / relative
    handle, temp_name = tempfile.mkstemp(dir=folder, prefix=".building-", suffix=".zip")
    try:
        with os.fdopen(handle, "wb") as target:
            _write_archive(target, request, customers, kind, now, withheld)
            target.flush()
            os.fsync(target.fileno())
        os.chmod(temp_name, 0o600)
        os.replace(temp_name, final)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return relative, final


def _check_reportable(request: Request) -> None:
    if request.kind not in REPORT_KIND_FOR_REQUEST:
        raise ReportError(gettext("Only access and portability requests get a report."))
    if not request.is_verified or not request.is_open:
        raise ReportError(gettext("Reports are generated only for open, verified requests."))
    if request.match_confirmed_at is None:
        raise ReportError(gettext("Confirm which customers the request concerns before generating a report."))


def build_access_report(request: Request, by, now: datetime | None = None) -> AccessReport:
    """Build the access report or portability export of a verified request; return its row.

    Guarantees: the file appears under settings.PRIVATE_STORAGE_ROOT complete or not at all (written
    to a temporary file, then renamed), and the row and the audit event exist exactly when the file
    does. The request's row is locked and its state checked again before the row is written. A
    request that matches no customer gets a report that confirms no data is held (Art. 15(1)).
    The report is not released: staff review it first (``review_report``, ``release_report``).
    """
    now = now or timezone.now()
    _check_reportable(request)
    kind = REPORT_KIND_FOR_REQUEST[request.kind]
    customers = _customers_of(request)
    relative, final = _write_report_file(request, customers, kind, now, {})
    try:
        with transaction.atomic():
            request._lock()
            _check_reportable(request)
            report = AccessReport.objects.create(
                request=request,
                kind=kind,
                file_path=relative,
                created_at=now,
                created_by=by,
                expires_at=now + timedelta(days=settings.REPORT_LINK_DAYS),
                sha256=_sha256(final),
                size=final.stat().st_size,
                customer_count=len(customers),
            )
            RequestEvent.objects.create(
                request=request,
                kind=RequestEvent.Kind.REPORT_GENERATED,
                actor=by,
                at=now,
                detail_code="report_generated",
                detail_args={"kind": report.kind, "id": report.pk, "count": len(customers)},
            )
    except BaseException:
        final.unlink(missing_ok=True)
        raise
    return report


# --- Review before release (GDPR Art. 15(4)) ----------------------------------------------------


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
