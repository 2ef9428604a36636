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

from requests.models import AccessReport, Request, RequestEvent, TransitionError

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
    logger.info("Report %s of request %s released: link emailed to the customer", report.pk, req.pk)
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
    archive: zipfile.ZipFile, name: str, header: dict[str, Any], customers: list, provided_only: bool
) -> None:
    """Write ``{**header, "customers": [{category: {table: [rows]}}]}`` one row at a time.

    The registry streams each table's rows, so memory does not grow with a customer's orders.
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
                    out.write(("," if row_index else "") + "\n          " + dump(row))
                out.write("\n        ]")
            if category is not None:
                out.write("\n      }")
            out.write("\n    }")
        out.write("\n  ]\n}\n")
        out.flush()
        out.detach()


def _html_table(out: IO[str], header: list[str], rows: Iterable) -> int:
    out.write("<table><thead><tr>")
    out.write("".join(f'<th scope="col">{escape(h)}</th>' for h in header))
    out.write("</tr></thead><tbody>\n")
    count = 0
    for row in rows:
        out.write("<tr>" + "".join(f"<td>{escape(_cell(v))}</td>" for v in row) + "</tr>\n")
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
                    _html_table(out, [columns.get(name, name) for name in header], rows)
                    out.write("</section>\n")
            out.write(tail)
            out.flush()
            out.detach()


def _write_archive(target: IO[bytes], request: Request, customers: list, kind: str, now: datetime) -> None:
    provided_only = kind == AccessReport.Kind.PORTABILITY
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        header = {"format": 1, "kind": kind, "request": request.number, "generated_at": now.isoformat()}
        _write_data_json(archive, "data.json", header, customers, provided_only)
        csv_names: dict[tuple[int, str], str] = {}
        for index, customer in enumerate(customers):
            folder = f"customer-{index + 1}/" if len(customers) > 1 else ""
            for table, header, rows in _tables(customer, provided_only):
                name = f"{folder}{table}.csv"
                csv_names[(index, table)] = name
                _write_csv(archive, name, header, rows)
        _write_index(archive, request, customers, kind, csv_names, now)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


def build_access_report(request: Request, by, now: datetime | None = None) -> AccessReport:
    """Build the access report or portability export of a verified request; return its row.

    Guarantees: the file appears under settings.PRIVATE_STORAGE_ROOT complete or not at all (written
    to a temporary file, then renamed), and the row and the audit event exist exactly when the file
    does. A request that matches no customer gets a report that confirms no data is held (Art. 15(1)).
    """
    now = now or timezone.now()
    if request.kind not in REPORT_KIND_FOR_REQUEST:
        raise ReportError(gettext("Only access and portability requests get a report."))
    if not request.is_verified or not request.is_open:
        raise ReportError(gettext("Reports are generated only for open, verified requests."))
    if request.match_confirmed_at is None:
        raise ReportError(gettext("Confirm which customers the request concerns before generating a report."))
    kind = REPORT_KIND_FOR_REQUEST[request.kind]
    customers = _customers_of(request)

    folder = Path(settings.PRIVATE_STORAGE_ROOT) / REPORTS_FOLDER / f"{now:%Y}"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    # A random name: the file name tells nothing about the person.
    relative = f"{REPORTS_FOLDER}/{now:%Y}/{secrets.token_hex(16)}.zip"
    final = Path(settings.PRIVATE_STORAGE_ROOT) / relative
    handle, temp_name = tempfile.mkstemp(dir=folder, prefix=".building-", suffix=".zip")
    try:
        with os.fdopen(handle, "wb") as target:
            _write_archive(target, request, customers, kind, now)
            target.flush()
            os.fsync(target.fileno())
        os.chmod(temp_name, 0o600)
        os.replace(temp_name, final)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    try:
        with transaction.atomic():
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
                detail=gettext("%(kind)s %(id)s, %(count)s customer(s)")
                % {"kind": report.get_kind_display(), "id": report.pk, "count": len(customers)},
            )
    except BaseException:
        final.unlink(missing_ok=True)
        raise
    return report
