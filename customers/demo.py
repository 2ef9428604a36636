"""Realistic Nordic demo customers, orders, bookkeeping records, returns and consent histories.

Deterministic for a seed (and the same starting database and day). Faker (sv_SE, fi_FI, et_EE, and
no_NO for Norwegian Bokmål) fills pools of names and addresses once; rows are then combined from the
pools as plain tuples and written with executemany in large batches inside one transaction, so
100,000 customers take seconds, not minutes. Normalised contacts and their keyed hashes come from
``Customer.refresh_derived_fields()``, the code every save runs. Bulk writes make no history rows,
which is what demo data wants.

Rows of the apps that build on customers (requests, access reports) are added by their own demo
module; the ``generate_demo_data`` command of the ``requests`` app runs both.
"""

from __future__ import annotations

import random
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import accumulate

from django.core.management.color import no_style
from django.db import connection, models, transaction
from faker import Faker

from customers.demo_identity import estonian_contacts, estonian_iban
from customers.demo_identity import identity_number as identity_number_of
from customers.models import (
    ConsentEvent,
    ConsentPurpose,
    Customer,
    Invoice,
    Order,
    OrderLine,
    Payment,
    Return,
)
from register.models import NoticeVersion, Register

POOL_SIZE = 400
# Customers generated per round; their orders, lines, invoices, payments, returns and consent
# events are written in the same round, one executemany per table.
BATCH = 2000


@dataclass(frozen=True)
class Market:
    locale: str
    country: str
    languages: tuple[str, ...]
    currency: str
    vat: Decimal
    carriers: tuple[str, ...]
    domain: str


MARKETS = (
    Market(
        "fi_FI",
        "FI",
        ("fi", "fi", "fi", "sv"),
        "EUR",
        Decimal("25.50"),
        ("Posti", "Matkahuolto", "DHL"),
        "fi",
    ),
    Market("sv_SE", "SE", ("sv",), "SEK", Decimal("25.00"), ("PostNord", "DHL", "Budbee"), "se"),
    # Faker names its Norwegian (Bokmål) locale no_NO.
    Market("no_NO", "NO", ("nb",), "NOK", Decimal("25.00"), ("Posten", "Bring", "Helthjem"), "no"),
    Market("et_EE", "EE", ("en",), "EUR", Decimal("22.00"), ("Omniva", "DPD", "Itella Smartpost"), "ee"),
)
MARKET_INDEXES = tuple(range(len(MARKETS)))
# Cumulative weights: random.choices then skips summing the weights on every call.
MARKET_CUM_WEIGHTS = tuple(accumulate((45, 30, 15, 10)))
PRODUCTS = (
    ("LIN-TOWEL", "Linen tea towel", Decimal("14.90")),
    ("WOOL-BLNK", "Wool blanket", Decimal("89.00")),
    ("CER-MUG", "Ceramic mug", Decimal("19.50")),
    ("BIRCH-BWL", "Birch bowl", Decimal("34.00")),
    ("CANDLE-3", "Candles, 3 pcs", Decimal("12.00")),
    ("RUG-140", "Rag rug 70×140", Decimal("59.00")),
    ("LAMP-P", "Pendant lamp", Decimal("149.00")),
    ("CUSH-45", "Cushion cover 45×45", Decimal("24.90")),
)
RETURN_REASONS = ("Wrong size", "Damaged in transport", "Changed my mind", "Colour differs from the picture")
ORDER_STATUSES = tuple(status.value for status in Order.Status)
ORDER_STATUS_CUM_WEIGHTS = tuple(accumulate((3, 5, 5, 75, 6, 6)))
BILLED = frozenset(
    {
        Order.Status.PAID.value,
        Order.Status.SHIPPED.value,
        Order.Status.DELIVERED.value,
        Order.Status.RETURNED.value,
    }
)
RETURNED = Order.Status.RETURNED.value
DELIVERED = Order.Status.DELIVERED.value
PAYMENT_METHODS = tuple(method.value for method in Payment.Method)
WITHDRAWAL_CHANNELS = (ConsentEvent.Via.UNSUBSCRIBE.value, ConsentEvent.Via.PHONE.value)
CENT = Decimal("0.01")
RESTRICTION_REASON = "Accuracy of the data contested (GDPR Art. 18(1)(a))."

CUSTOMER_COLUMNS = (
    "id",
    "customer_number",
    "first_name",
    "last_name",
    "company",
    "identity_number",
    "email",
    "email_normalized",
    "email_digest",
    "phone",
    "phone_normalized",
    "phone_digest",
    "street_address",
    "postal_code",
    "city",
    "country",
    "language",
    "username",
    "bank_account",
    "created_at",
    "last_activity_at",
    "relationship_ended_at",
    "restricted_at",
    "restriction_reason",
)
ORDER_COLUMNS = (
    "id",
    "customer_id",
    "controller_id",
    "number",
    "placed_at",
    "status",
    "total",
    "currency",
    "delivery_name",
    "delivery_street",
    "delivery_postal_code",
    "delivery_city",
    "delivery_country",
    "delivery_phone",
    "carrier",
    "delivered_at",
)
LINE_COLUMNS = ("id", "order_id", "sku", "product_name", "quantity", "unit_price", "vat_rate")
INVOICE_COLUMNS = (
    "id",
    "order_id",
    "number",
    "issued_at",
    "amount",
    "vat_amount",
    "currency",
    "billing_name",
    "billing_address",
    "due_on",
)
PAYMENT_COLUMNS = ("id", "invoice_id", "paid_at", "amount", "method", "reference")
RETURN_COLUMNS = ("id", "order_id", "returned_at", "reason", "refund_amount", "refund_account", "status")
CONSENT_COLUMNS = (
    "id",
    "customer_id",
    "purpose_id",
    "action",
    "occurred_at",
    "via",
    "notice_version",
    "evidence",
)


def ascii_slug(value: str) -> str:
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", value) or "customer"


class Pools:
    """Per-market pools of Faker values, drawn once per run from a seeded Faker.

    Names are kept with their ASCII slug, so the per-customer work is picking from lists.
    """

    def __init__(self, market: Market, seed: int):
        fake = Faker(market.locale)
        fake.seed_instance(seed)
        self.first_names = [fake.first_name() for _ in range(POOL_SIZE)]
        self.last_names = [fake.last_name() for _ in range(POOL_SIZE)]
        if market.country == "EE":
            # Faker's et_EE has Estonian names only: addresses, phones and IBANs come from here.
            rng = random.Random(seed)
            streets, postcodes, cities, self.phones = estonian_contacts(rng, POOL_SIZE)
            self.ibans = [estonian_iban(rng) for _ in range(POOL_SIZE)]
        else:
            streets = [fake.street_address() for _ in range(POOL_SIZE)]
            postcodes = [fake.postcode() for _ in range(POOL_SIZE)]
            cities = [fake.city() for _ in range(POOL_SIZE)]
            self.phones = [fake.phone_number() for _ in range(POOL_SIZE)]
            self.ibans = [fake.iban() for _ in range(POOL_SIZE)]
        self.addresses = list(zip(streets, postcodes, cities, strict=True))
        self.companies = [fake.company() for _ in range(POOL_SIZE // 4)]
        self.slugs = {name: ascii_slug(name) for name in self.first_names + self.last_names}


def datetime_adapter() -> Callable[[datetime | None], object]:
    """Return a function turning an aware datetime into what the database driver takes.

    The same value as connection.ops.adapt_datetimefield_value, without its per-call checks: SQLite
    stores naive text in the connection's time zone; PostgreSQL takes the aware datetime.
    """
    if connection.vendor != "sqlite":
        return connection.ops.adapt_datetimefield_value
    zone = connection.timezone

    def adapt(value: datetime | None) -> str | None:
        return None if value is None else str(value.astimezone(zone).replace(tzinfo=None))

    return adapt


class FastInserter:
    """Insert plain tuples, one batch per table and round, assigning primary keys itself.

    The ORM's bulk_create builds a model instance and compiles SQL for every value; demo data of a
    million rows only needs the values, already adapted for the database, sent in large batches:
    with COPY on PostgreSQL (``method="copy"``, the default there) and executemany elsewhere
    (``method="executemany"``). Both write the same rows. Columns not named get the field's default.
    """

    def __init__(self, model_classes: list[type[models.Model]], method: str | None = None):
        self.models = model_classes
        self.method = method or ("copy" if connection.vendor == "postgresql" else "executemany")
        if self.method not in ("copy", "executemany"):
            raise ValueError(f"unknown insert method {self.method!r}")
        if self.method == "copy" and connection.vendor != "postgresql":
            raise ValueError("COPY needs PostgreSQL")
        self.last_id: dict[type[models.Model], int] = {}
        for model in model_classes:
            self.last_id[model] = model.objects.aggregate(last=models.Max("pk"))["last"] or 0
        self.adapt_datetime = datetime_adapter()

    def ids(self, model: type[models.Model]) -> Iterator[int]:
        """Yield the next free primary keys of the model, in order."""
        while True:
            self.last_id[model] += 1
            yield self.last_id[model]

    def insert(self, model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        given = set(columns)
        rest = [f for f in model._meta.concrete_fields if f.attname not in given]
        tail = tuple(
            self.adapt_datetime(f.get_default()) if isinstance(f, models.DateTimeField) else f.get_default()
            for f in rest
        )
        names = [model._meta.get_field(name).column for name in columns] + [f.column for f in rest]
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        column_list = ", ".join(quote(name) for name in names)
        with connection.cursor() as cursor:
            if self.method == "copy":
                # psycopg 3's COPY FROM STDIN: rows stream as text, no statement per row; a writer
                # thread sends them while the next rows are formatted.
                from psycopg.copy import QueuedLibpqWriter

                raw = cursor.cursor
                copy_sql = f"COPY {table} ({column_list}) FROM STDIN"
                with raw.copy(copy_sql, writer=QueuedLibpqWriter(raw)) as copy:
                    write_row = copy.write_row
                    if tail:
                        for row in rows:
                            write_row(row + tail)
                    else:
                        for row in rows:
                            write_row(row)
                return
            sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from model metadata)
                table, column_list, ", ".join(["%s"] * len(names))
            )
            cursor.executemany(sql, [row + tail for row in rows] if tail else rows)

    def reset_sequences(self) -> None:
        """Move PostgreSQL's id sequences past the ids assigned here."""
        statements = connection.ops.sequence_reset_sql(no_style(), self.models)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@contextmanager
def sqlite_bulk_load(model_classes: list[type[models.Model]], rows_added: int) -> Iterator[None]:
    """On SQLite, fill the tables first and build their secondary indexes afterwards.

    Inserting rows in random key order into a dozen indexes costs more than sorting each index once
    at the end. Used inside the command's transaction: SQLite's DDL is transactional, so a failed
    run rolls the indexes back with the rows. Only when the run at least doubles the customer table;
    on a big register, rebuilding its indexes would cost more than it saves. A larger page cache
    (up to 256 MB, restored afterwards) keeps the unique indexes from spilling to the file.
    """
    if connection.vendor != "sqlite":
        yield
        return
    tables = [model._meta.db_table for model in model_classes]
    rebuild = rows_added >= Customer.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous_cache,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -262144")  # in KiB
        indexes = []
        if rebuild:
            # Unique constraints' automatic indexes have no SQL and stay.
            cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'")
            indexes = [(name, sql) for name, table, sql in cursor.fetchall() if sql and table in tables]
            for name, _sql in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
        with connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous_cache)}")


@contextmanager
def postgresql_bulk_load(model_classes: list[type[models.Model]], rows_added: int) -> Iterator[None]:
    """On PostgreSQL, COPY into tables without their secondary indexes and foreign keys, then restore them.

    Checking a foreign key row by row and growing a dozen indexes in random key order costs several
    times more than building each index once and validating each key in one join at the end. DDL is
    transactional, so a failed run rolls them back with the rows. Only when the run at least doubles
    the customer table (as on SQLite). Primary keys and unique constraints stay.
    """
    if connection.vendor != "postgresql" or rows_added < max(1, Customer.objects.count()):
        yield
        return
    tables = [model._meta.db_table for model in model_classes]
    with connection.cursor() as cursor:
        # ALTER TABLE refuses a table with deferred foreign-key checks pending: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[])",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


TOTALS = ("customers", "orders", "lines", "invoices", "payments", "returns", "consents", "old", "restricted")


def generate_customers(
    count: int, seed: int, orders_per_customer: int | None = None, method: str | None = None
) -> dict[str, int]:
    """Add ``count`` customers with orders, lines, invoices, payments, returns and consent histories.

    Writes in one transaction; the same seed on the same starting database and day gives the same
    rows. Returns how many rows of each kind were written, with "old" (customers inactive for over
    six years) and "restricted" (customers whose processing is restricted). Each customer gets
    ``orders_per_customer`` orders, or 0–4 (1.75 on average) when it is None. ``method`` is
    "copy" (PostgreSQL's COPY, its default there) or "executemany" (the default elsewhere).
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if orders_per_customer is not None and orders_per_customer < 0:
        raise ValueError("orders_per_customer must not be negative")
    generator = DemoGenerator(seed, orders_per_customer)
    tables = [Customer, Order, OrderLine, Invoice, Payment, Return, ConsentEvent]
    with transaction.atomic(), sqlite_bulk_load(tables, count), postgresql_bulk_load(tables, count):
        inserter = FastInserter(tables, method)
        for start in range(0, count, BATCH):
            generator.write_batch(inserter, start, min(BATCH, count - start))
        inserter.reset_sequences()
    return generator.totals


def sellers_by_market() -> dict[str | None, int | None]:
    """``{country: controller id}``: which of the current register's controllers sells to each market.

    A market is served by the controller whose law country it is (Jalonom: the Swedish company sells
    in Sweden); every other market by the main controller (key None). Deterministic: no random draw.
    """
    register = Register.objects.current()
    if register is None:
        return {}
    controllers = list(register.controllers.select_related("register").order_by("position", "id"))
    sellers: dict[str | None, int | None] = {None: controllers[0].pk if controllers else None}
    for controller in reversed(controllers):
        sellers[controller.law_country()] = controller.pk
    if controllers:
        # The main controller serves its own country even when another controller shares it.
        sellers[controllers[0].law_country()] = controllers[0].pk
    return sellers


class DemoGenerator:
    """The state of one run: the seeded random source, the pools and the numbers handed out so far."""

    def __init__(self, seed: int, orders_per_customer: int | None = None):
        self.purposes = list(ConsentPurpose.objects.order_by("code"))
        self.rng = random.Random(seed)
        self.pools = [Pools(market, seed + n) for n, market in enumerate(MARKETS)]
        # Dates are relative to the start of today, so a seed gives the same data all day.
        self.today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        # Each consent event cites the notice in force when it happened (none before the first).
        versions = list(
            NoticeVersion.objects.order_by("published_at", "number").values_list("published_at", "number")
        )
        self.notice_times = [published for published, _number in versions]
        self.notice_numbers = [number for _published, number in versions]
        self.orders_per_customer = orders_per_customer
        self.sellers = sellers_by_market()
        self.offsets = {
            "customer": Customer.objects.count(),
            "order": Order.objects.count(),
            "invoice": Invoice.objects.count(),
        }
        self.totals = dict.fromkeys(TOTALS, 0)
        self.dt = datetime_adapter()
        # One unsaved customer, reused for every row: its full_name and refresh_derived_fields() give
        # each row's derived values exactly as a saved customer has them.
        self.scratch = Customer()

    def derived_fields(
        self, first_name: str, last_name: str, email: str, phone: str, country: str
    ) -> tuple[str, str, str, str, str]:
        """Return the full name, normalised email and phone and their keyed hashes as the model has them."""
        customer = self.scratch
        customer.first_name, customer.last_name = first_name, last_name
        customer.email, customer.phone, customer.country = email, phone, country
        customer.refresh_derived_fields()
        return (
            customer.full_name,
            customer.email_normalized,
            customer.email_digest,
            customer.phone_normalized,
            customer.phone_digest,
        )

    def write_batch(self, inserter: FastInserter, start: int, size: int) -> None:
        """Generate and write ``size`` customers with their orders, bookkeeping records and consents.

        Every random draw happens in a fixed order, so a seed always gives the same rows.
        """
        dt, rng, pools, offsets, totals, today = (
            self.dt,
            self.rng,
            self.pools,
            self.offsets,
            self.totals,
            self.today,
        )
        rand, choice, choices, randrange = rng.random, rng.choice, rng.choices, rng.randrange
        customer_ids = inserter.ids(Customer)
        old_start = datetime(2011, 1, 1, tzinfo=UTC)
        old_end = min(datetime(2018, 12, 31, tzinfo=UTC), today - timedelta(days=6 * 366))
        customers, plans = [], []
        for i in range(start, start + size):
            market_index = choices(MARKET_INDEXES, cum_weights=MARKET_CUM_WEIGHTS)[0]
            market, pool = MARKETS[market_index], pools[market_index]
            first, last = choice(pool.first_names), choice(pool.last_names)
            number = offsets["customer"] + i + 1
            old = rand() < 0.08
            if old:
                # Customers whose last order was 2012–2018: the retention job's work.
                created = old_start + timedelta(days=randrange(0, 6 * 365))
                window_end = old_end
            else:
                created = today - timedelta(days=randrange(1, 5 * 365), seconds=randrange(86400))
                window_end = today
            company = choice(pool.companies) if rand() < 0.1 else ""
            identity_number = identity_number_of(market.country, number) if rand() < 0.3 else ""
            email = f"{pool.slugs[first]}.{pool.slugs[last]}{number}@example.{market.domain}"
            phone = choice(pool.phones)
            street, postcode, city = choice(pool.addresses)
            language = choice(market.languages)
            username = f"{pool.slugs[first]}{number}" if rand() < 0.5 else ""
            bank_account = choice(pool.ibans) if rand() < 0.2 else ""
            restricted_at, restriction_reason = None, ""
            if rand() < 0.03:
                restricted_at = created + timedelta(days=randrange(1, 400))
                restriction_reason = RESTRICTION_REASON
                totals["restricted"] += 1
            ended_at = None
            if rand() < 0.05 or old:
                ended_at = window_end - timedelta(days=randrange(0, 60))
            span = max(1, int((window_end - created).total_seconds()))
            order_count = self.orders_per_customer
            if order_count is None:
                order_count = choice((0, 1, 1, 1, 2, 2, 3, 4))
            placed_times = sorted(created + timedelta(seconds=randrange(span)) for _ in range(order_count))
            customer_id = next(customer_ids)
            full_name, email_normalized, email_digest, phone_normalized, phone_digest = self.derived_fields(
                first, last, email, phone, market.country
            )
            customers.append(
                (
                    customer_id,
                    f"K{number:07d}",
                    first,
                    last,
                    company,
                    identity_number,
                    email,
                    email_normalized,
                    email_digest,
                    phone,
                    phone_normalized,
                    phone_digest,
                    street,
                    postcode,
                    city,
                    market.country,
                    language,
                    username,
                    bank_account,
                    dt(created),
                    dt(placed_times[-1] if placed_times else created),
                    dt(ended_at),
                    dt(restricted_at),
                    restriction_reason,
                )
            )
            plans.append(
                (customer_id, market, created, window_end, placed_times, full_name)
                + (street, postcode, city, phone, bank_account)
            )
            totals["old"] += old
        inserter.insert(Customer, CUSTOMER_COLUMNS, customers)
        totals["customers"] += len(customers)

        # Orders as (id, placed_at, status, total, billing name, billing address, refund account,
        # market, lines), kept for the invoices, payments and returns below.
        order_ids = inserter.ids(Order)
        consent_ids = inserter.ids(ConsentEvent)
        orders, order_rows, events = [], [], []
        for plan in plans:
            customer_id, market, created, window_end, placed_times, full_name = plan[:6]
            street, postcode, city, phone, bank_account = plan[6:]
            for placed in placed_times:
                offsets["order"] += 1
                status = choices(ORDER_STATUSES, cum_weights=ORDER_STATUS_CUM_WEIGHTS)[0]
                lines = [
                    (product, choice((1, 1, 1, 2, 3))) for product in rng.sample(PRODUCTS, rng.randint(1, 3))
                ]
                total = sum((price * qty for (_sku, _name, price), qty in lines), Decimal("0"))
                order_id = next(order_ids)
                # Delivered a few days after the order (never in the future); no random draw, so
                # the rest of a seed's data stays as it was.
                delivered = None
                if status in (DELIVERED, RETURNED):
                    delivered = min(placed + timedelta(days=2 + order_id % 5), today)
                order_rows.append(
                    (
                        order_id,
                        customer_id,
                        self.sellers.get(market.country, self.sellers.get(None)),
                        f"O{offsets['order']:08d}",
                        dt(placed),
                        status,
                        total,
                        market.currency,
                        full_name,
                        street,
                        postcode,
                        city,
                        market.country,
                        phone,
                        choice(market.carriers),
                        dt(delivered),
                    )
                )
                orders.append(
                    (order_id, placed, status, total, full_name, f"{street}, {postcode} {city}", bank_account)
                    + (market, lines)
                )
            self.consent_history(events, consent_ids, customer_id, created, window_end)
        inserter.insert(Order, ORDER_COLUMNS, order_rows)
        inserter.insert(ConsentEvent, CONSENT_COLUMNS, events)
        totals["orders"] += len(order_rows)
        totals["consents"] += len(events)

        line_ids, invoice_ids, return_ids = (
            inserter.ids(OrderLine),
            inserter.ids(Invoice),
            inserter.ids(Return),
        )
        order_lines, invoices, returns = [], [], []
        for order_id, placed, status, total, name, address, bank_account, market, lines in orders:
            vat_rate = market.vat
            for (sku, product_name, price), qty in lines:
                order_lines.append((next(line_ids), order_id, sku, product_name, qty, price, vat_rate))
            if status in BILLED:
                offsets["invoice"] += 1
                vat = (total * vat_rate / (100 + vat_rate)).quantize(CENT)
                invoice_number = f"F{offsets['invoice']:08d}"
                invoices.append(
                    (
                        next(invoice_ids),
                        order_id,
                        invoice_number,
                        placed,
                        total,
                        vat,
                        market.currency,
                        name,
                        address,
                        connection.ops.adapt_datefield_value((placed + timedelta(days=14)).date()),
                    )
                )
            if status == RETURNED or (status == DELIVERED and rand() < 0.03):
                returns.append(
                    (
                        next(return_ids),
                        order_id,
                        dt(placed + timedelta(days=rng.randint(3, 14))),
                        choice(RETURN_REASONS),
                        total,
                        bank_account,
                        Return.Status.REFUNDED.value if status == RETURNED else Return.Status.RECEIVED.value,
                    )
                )
        payment_ids = inserter.ids(Payment)
        payments = [
            (
                next(payment_ids),
                invoice_id,
                dt(issued + timedelta(minutes=rng.randint(0, 3 * 24 * 60))),
                amount,
                choice(PAYMENT_METHODS),
                f"RF{number[1:]}",
            )
            for invoice_id, _order_id, number, issued, amount, *_rest in invoices
        ]
        invoices = [(*row[:3], dt(row[3]), *row[4:]) for row in invoices]
        inserter.insert(OrderLine, LINE_COLUMNS, order_lines)
        inserter.insert(Invoice, INVOICE_COLUMNS, invoices)
        inserter.insert(Return, RETURN_COLUMNS, returns)
        inserter.insert(Payment, PAYMENT_COLUMNS, payments)
        totals["lines"] += len(order_lines)
        totals["invoices"] += len(invoices)
        totals["payments"] += len(payments)
        totals["returns"] += len(returns)

    def notice_in_force(self, moment: datetime) -> int | None:
        """The number of the notice published last at or before ``moment``, or None before the first."""
        index = bisect_right(self.notice_times, moment)
        return self.notice_numbers[index - 1] if index else None

    def consent_history(self, events, ids, customer_id, created, window_end) -> None:
        """Grants at checkout for some purposes, some later withdrawn by an unsubscribe link or phone."""
        dt, rng = self.dt, self.rng
        span = max(1, int((window_end - created).total_seconds()))
        for purpose in self.purposes:
            if rng.random() >= 0.4:
                continue
            granted_at = created + timedelta(seconds=rng.randrange(min(span, 3600)))
            events.append(
                (
                    next(ids),
                    customer_id,
                    purpose.pk,
                    ConsentEvent.Action.GRANTED.value,
                    dt(granted_at),
                    ConsentEvent.Via.CHECKOUT.value,
                    self.notice_in_force(granted_at),
                    "checkout form",
                )
            )
            if rng.random() < 0.25:
                withdrawn_at = min(window_end, granted_at + timedelta(seconds=1 + rng.randrange(span)))
                events.append(
                    (
                        next(ids),
                        customer_id,
                        purpose.pk,
                        ConsentEvent.Action.WITHDRAWN.value,
                        dt(withdrawn_at),
                        rng.choice(WITHDRAWAL_CHANNELS),
                        self.notice_in_force(withdrawn_at),
                        "demo data",
                    )
                )
