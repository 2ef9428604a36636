"""Import customers or orders from a CSV file exported by a web shop or spreadsheet.

The whole import runs in one transaction. Every bad row is reported with its line number and reason;
with any bad row nothing is written unless --skip-invalid is given. Re-importing the same file updates
rather than duplicates: customers are matched by customer number, else by normalised email; orders by
order number. Consent columns become ledger events (via=import) only where the state changes.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from customers.contacts import normalize_email
from customers.models import ConsentEvent, ConsentPurpose, Customer, Order
from register.models import Controller, Register

CUSTOMER_FIELDS = [
    "customer_number",
    "first_name",
    "last_name",
    "company",
    "business_id",
    "identity_number",
    "email",
    "phone",
    "street_address",
    "postal_code",
    "city",
    "country",
    "language",
    "gender",
    "homepage",
    "username",
    "bank_account",
]
CUSTOMER_DATE_FIELDS = ["created_at", "last_activity_at", "relationship_ended_at"]
ORDER_FIELDS = [
    "number",
    "status",
    "currency",
    "delivery_name",
    "delivery_street",
    "delivery_postal_code",
    "delivery_city",
    "delivery_country",
    "delivery_phone",
    "carrier",
]
# Optional order columns: the controller that sold the order (its business id or name; empty: the
# register's main controller) and when it was delivered (consumer complaint periods count from it).
ORDER_OPTIONAL_COLUMNS = ["controller", "delivered_at"]
CONSENT_PREFIX = "consent_"
YES = {"yes", "y", "1", "true", "x", "ja", "j", "kyllä", "k"}
NO = {"no", "n", "0", "false", "nej", "nei", "ei", "e"}


class RowError(Exception):
    pass


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    consent_events: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Return (header, [(line number, row)]) of a UTF-8 CSV file with or without BOM, ';' or ','."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise CommandError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    first_line = text.split("\n", 1)[0]
    # Nordic spreadsheet programs export with ';' because ',' is the decimal separator.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration as exc:
        raise CommandError(f"{path}: the file is empty; it needs a header row") from exc
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            rows.append(
                (reader.line_num, {"__error__": f"{len(values)} columns, the header has {len(header)}"})
            )
            continue
        rows.append(
            (reader.line_num, {name: value.strip() for name, value in zip(header, values, strict=True)})
        )
    return header, rows


def parse_moment(value: str, column: str) -> datetime | None:
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day: date | None = parse_date(value)
        if day is None:
            raise RowError(f"{column}: {value!r} is not a date (use YYYY-MM-DD or YYYY-MM-DD HH:MM)")
        moment = datetime.combine(day, time(12, 0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def parse_decimal(value: str, column: str) -> Decimal:
    try:
        return Decimal(value.replace(" ", "").replace(",", "."))
    except InvalidOperation as exc:
        raise RowError(f"{column}: {value!r} is not a number") from exc


def parse_yes_no(value: str, column: str) -> bool | None:
    lowered = value.strip().casefold()
    if not lowered:
        return None
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise RowError(f"{column}: {value!r} is not yes or no")


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Import customers (or orders with --kind orders) from a CSV file with a header row."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", choices=["customers", "orders"], default="customers")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report; write nothing.")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Import the valid rows, skip bad ones."
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        header, rows = read_rows(path)
        self.source = path.name
        summary = Summary()
        seen: set[str] = set()
        if options["kind"] == "customers":
            purposes = self.check_customer_header(header)
            import_row = lambda row: self.import_customer(row, purposes, summary, seen)  # noqa: E731
        else:
            self.check_order_header(header)
            import_row = lambda row: self.import_order(row, summary, seen)  # noqa: E731

        with transaction.atomic():
            for line, row in rows:
                try:
                    if "__error__" in row:
                        raise RowError(row["__error__"])
                    # A savepoint per row: a failing row leaves no trace even with --skip-invalid.
                    with transaction.atomic():
                        import_row(row)
                except RowError as exc:
                    summary.errors.append((line, str(exc)))
                except ValidationError as exc:
                    summary.errors.append((line, validation_message(exc)))
            for line, reason in summary.errors:
                self.stderr.write(f"{path.name}, line {line}: {reason}")
            if summary.errors and not options["skip_invalid"]:
                transaction.set_rollback(True)
                raise CommandError(
                    f"{len(summary.errors)} bad row(s); nothing was imported "
                    "(fix them, or use --skip-invalid to import the other rows)."
                )
            if options["dry_run"]:
                transaction.set_rollback(True)

        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(
            f"{verb} {options['kind']} from {path.name}: {summary.created} created, "
            f"{summary.updated} updated, {summary.unchanged} unchanged, "
            f"{summary.consent_events} consent event(s), "
            f"{len(summary.errors)} bad row(s) skipped."
        )

    # --- customers ---

    def check_customer_header(self, header: list[str]) -> dict[str, ConsentPurpose]:
        if "customer_number" not in header and "email" not in header:
            raise CommandError("The header needs a customer_number or an email column.")
        known = set(CUSTOMER_FIELDS) | set(CUSTOMER_DATE_FIELDS)
        purposes = {p.code: p for p in ConsentPurpose.objects.all()}
        unknown = []
        for name in header:
            if name.startswith(CONSENT_PREFIX):
                if name[len(CONSENT_PREFIX) :] not in purposes:
                    unknown.append(name)
            elif name not in known:
                unknown.append(name)
        if unknown:
            raise CommandError(
                f"Unknown column(s): {', '.join(unknown)}. Consent columns are "
                f"{', '.join(CONSENT_PREFIX + code for code in purposes)}."
            )
        return {
            name: purposes[name[len(CONSENT_PREFIX) :]] for name in header if name.startswith(CONSENT_PREFIX)
        }

    def import_customer(
        self, row: dict[str, str], purposes: dict[str, ConsentPurpose], summary: Summary, seen: set[str]
    ) -> None:
        number = row.get("customer_number", "")
        email = normalize_email(row.get("email"))
        if not number and not email:
            raise RowError("customer_number or email is required")
        key = f"n:{number}" if number else f"e:{email}"
        if key in seen:
            raise RowError("the same customer appears earlier in the file")
        seen.add(key)

        if number:
            customer = Customer.objects.filter(customer_number=number).first()
        else:
            matches = list(Customer.objects.matching_email(email)[:2])
            if len(matches) > 1:
                raise RowError("several customers have this email; give the customer_number")
            customer = matches[0] if matches else None
        created = customer is None
        if created:
            customer = Customer(customer_number=number or f"IMP-{uuid.uuid4().hex[:10].upper()}")

        before = {name: getattr(customer, name) for name in CUSTOMER_FIELDS + CUSTOMER_DATE_FIELDS}
        for name in CUSTOMER_FIELDS:
            if name in row and name != "customer_number":
                setattr(customer, name, row[name])
        if "country" in row:
            customer.country = row["country"].upper()
        if "language" in row:
            customer.language = row["language"].lower() or Customer._meta.get_field("language").default
        for name in CUSTOMER_DATE_FIELDS:
            if name in row:
                moment = parse_moment(row[name], name)
                if moment is None and name == "created_at":
                    continue
                setattr(customer, name, moment)
        wishes = {column: parse_yes_no(row[column], column) for column in purposes}

        customer.refresh_derived_fields()
        customer.full_clean()
        after = {name: getattr(customer, name) for name in before}
        if created:
            customer._change_reason = f"import {self.source}"
            customer.save()
            summary.created += 1
        elif after != before:
            customer._change_reason = f"import {self.source}"
            customer.save()
            summary.updated += 1
        else:
            summary.unchanged += 1

        current = {} if created else customer.current_consents()
        for column, wanted in wishes.items():
            purpose = purposes[column]
            if wanted is None or current.get(purpose.code, False) == wanted:
                continue
            if wanted:
                customer.grant_consent(purpose, via=ConsentEvent.Via.IMPORT, evidence=f"import {self.source}")
            else:
                customer.withdraw_consent(
                    purpose, via=ConsentEvent.Via.IMPORT, evidence=f"import {self.source}"
                )
            summary.consent_events += 1

    # --- orders ---

    def check_order_header(self, header: list[str]) -> None:
        missing = [name for name in ("number", "placed_at", "total") if name not in header]
        if "customer_number" not in header and "customer_email" not in header:
            missing.append("customer_number (or customer_email)")
        if missing:
            raise CommandError(f"Missing column(s): {', '.join(missing)}.")
        known = (
            set(ORDER_FIELDS)
            | set(ORDER_OPTIONAL_COLUMNS)
            | {"customer_number", "customer_email", "placed_at", "total"}
        )
        unknown = [name for name in header if name not in known]
        if unknown:
            raise CommandError(f"Unknown column(s): {', '.join(unknown)}.")

    def import_order(self, row: dict[str, str], summary: Summary, seen: set[str]) -> None:
        number = row.get("number", "")
        if not number:
            raise RowError("number is required")
        if number in seen:
            raise RowError("the same order appears earlier in the file")
        seen.add(number)
        if row.get("customer_number"):
            customer = Customer.objects.filter(customer_number=row["customer_number"]).first()
        else:
            matches = list(Customer.objects.matching_email(row.get("customer_email"))[:2])
            customer = matches[0] if len(matches) == 1 else None
        if customer is None:
            raise RowError("customer not found (import the customers first)")

        order = Order.objects.filter(number=number).first()
        created = order is None
        if created:
            order = Order(number=number)
        fields = ORDER_FIELDS + ["customer_id", "placed_at", "total", "controller_id", "delivered_at"]
        before = {name: getattr(order, name) for name in fields}
        order.customer = customer
        for name in ORDER_FIELDS:
            if name in row and name != "number":
                setattr(order, name, row[name])
        if "status" in row:
            order.status = row["status"].lower() or Order.Status.PENDING
        if "currency" in row:
            order.currency = row["currency"].upper() or "EUR"
        if "delivery_country" in row:
            order.delivery_country = row["delivery_country"].upper()
        order.placed_at = parse_moment(row["placed_at"], "placed_at") or order.placed_at
        order.total = parse_decimal(row["total"], "total")
        if row.get("controller"):
            order.controller = self.find_controller(row["controller"])
        elif created:
            # The register's main controller, found once for the whole file (Order.save would ask per row).
            order.controller = self.controllers()[0] if self.controllers() else None
        if "delivered_at" in row:
            order.delivered_at = parse_moment(row["delivered_at"], "delivered_at")
        order.full_clean()
        after = {name: getattr(order, name) for name in fields}
        if created or after != before:
            order._change_reason = f"import {self.source}"
            order.save()
            if created:
                summary.created += 1
            else:
                summary.updated += 1
        else:
            summary.unchanged += 1

    def controllers(self) -> list[Controller]:
        """The current register's controllers, the main one first."""
        if not hasattr(self, "_controllers"):
            register = Register.objects.current()
            self._controllers = list(register.controllers.order_by("position", "id")) if register else []
        return self._controllers

    def find_controller(self, value: str) -> Controller:
        """The current register's controller with this business id or name (case and spaces ignored)."""
        wanted = " ".join(value.split()).casefold()
        for controller in self.controllers():
            if wanted in {
                " ".join(controller.business_id.split()).casefold(),
                " ".join(controller.name.split()).casefold(),
            } - {""}:
                return controller
        names = ", ".join(c.name for c in self.controllers()) or "none"
        raise RowError(
            f"controller: {value!r} is not the business id or name of a controller (controllers: {names})"
        )
