"""Generate realistic Nordic demo customers, orders, bookkeeping records, returns and consent histories.

Deterministic for a seed (and the same starting database and day). Faker (sv_SE, fi_FI, et_EE, and
no_NO for Norwegian Bokmål)
fills pools of names and addresses once; rows are then combined from the pools and written with
executemany in batches, so 100,000 customers take seconds, not minutes. bulk writes make no
history rows, which is what demo data wants.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace as Row

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from faker import Faker

from customers.models import (
    ConsentEvent,
    ConsentPurpose,
    Customer,
    Invoice,
    Order,
    OrderLine,
    Payment,
    Return,
    _current_notice_version,
)

POOL_SIZE = 400
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
MARKET_WEIGHTS = (45, 30, 15, 10)
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


def ascii_slug(value: str) -> str:
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", value) or "customer"


class Pools:
    """Per-market pools of Faker values, drawn once per run from a seeded Faker."""

    def __init__(self, market: Market, seed: int):
        fake = Faker(market.locale)
        fake.seed_instance(seed)
        self.first_names = [fake.first_name() for _ in range(POOL_SIZE)]
        self.last_names = [fake.last_name() for _ in range(POOL_SIZE)]
        self.streets = [fake.street_address() for _ in range(POOL_SIZE)]
        self.postcodes = [fake.postcode() for _ in range(POOL_SIZE)]
        self.cities = [fake.city() for _ in range(POOL_SIZE)]
        self.phones = [fake.phone_number() for _ in range(POOL_SIZE)]
        self.companies = [fake.company() for _ in range(POOL_SIZE // 4)]
        self.ssns = [self._safe(fake.ssn) for _ in range(POOL_SIZE)]
        self.ibans = [fake.iban() for _ in range(POOL_SIZE)]

    @staticmethod
    def _safe(make) -> str:
        try:
            return str(make())
        except (AttributeError, NotImplementedError, ValueError):
            return ""


class FastInserter:
    """Insert model instances with one executemany per batch, assigning primary keys itself.

    The ORM's bulk_create spends most of its time compiling SQL for each value; demo data of a
    million rows only needs the values adapted for the database and sent in batches.
    """

    def __init__(self, model_classes: list[type[models.Model]]):
        self.models = model_classes
        self.next_id = {}
        for model in model_classes:
            last = model.objects.aggregate(last=models.Max("pk"))["last"] or 0
            self.next_id[model] = last + 1

    def _adapter(self, field: models.Field):
        ops = connection.ops
        if isinstance(field, models.DateTimeField):
            return ops.adapt_datetimefield_value
        if isinstance(field, models.DecimalField):
            return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
        return lambda value: value

    def insert(self, model: type[models.Model], objs: list) -> None:
        """Insert model instances or plain rows (attributes named like the fields' attnames)."""
        if not objs:
            return
        for obj in objs:
            obj.id = self.next_id[model]
            self.next_id[model] += 1
        fields = list(model._meta.concrete_fields)
        adapters = [self._adapter(f) for f in fields]
        defaults = [None if f.primary_key else f.get_default() for f in fields]
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from model metadata)
            quote(model._meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        attnames = [f.attname for f in fields]
        columns = list(zip(attnames, adapters, defaults, strict=True))
        rows = [tuple(adapt(getattr(obj, name, default)) for name, adapt, default in columns) for obj in objs]
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[start : start + BATCH])

    def reset_sequences(self) -> None:
        """Move PostgreSQL's id sequences past the ids assigned here."""
        statements = connection.ops.sequence_reset_sql(no_style(), self.models)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


class Command(BaseCommand):
    help = "Generate deterministic demo customers, orders, invoices, payments, returns and consents."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--customers", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options) -> None:
        count: int = options["customers"]
        seed: int = options["seed"]
        if count < 0:
            raise CommandError("--customers must not be negative")
        purposes = list(ConsentPurpose.objects.order_by("code"))
        rng = random.Random(seed)
        pools = [Pools(market, seed + n) for n, market in enumerate(MARKETS)]
        # Dates are relative to the start of today, so a seed gives the same data all day.
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        notice_version = _current_notice_version()
        offsets = {
            "customer": Customer.objects.count(),
            "order": Order.objects.count(),
            "invoice": Invoice.objects.count(),
        }
        totals = dict.fromkeys(
            (
                "customers",
                "orders",
                "lines",
                "invoices",
                "payments",
                "returns",
                "consents",
                "old",
                "restricted",
            ),
            0,
        )
        with transaction.atomic():
            self.inserter = FastInserter([Customer, Order, OrderLine, Invoice, Payment, Return, ConsentEvent])
            for start in range(0, count, BATCH):
                size = min(BATCH, count - start)
                self.write_batch(rng, pools, purposes, start, size, today, notice_version, offsets, totals)
            self.inserter.reset_sequences()
        # Requests, reports, history and erased customers old enough for every retention rule.
        from requests.demo import add_retention_examples

        retention = add_retention_examples()
        if retention:
            self.stdout.write(
                "Added for the retention rules: {requests} old requests, {access_reports} expired access "
                "reports, {history_rows} old history rows, {erased_customers} erased customers, "
                "{rules} rules.".format(**retention)
            )
        self.stdout.write(
            "Generated {customers} customers ({old} inactive for over 6 years, {restricted} restricted), "
            "{orders} orders with {lines} lines, {invoices} invoices, {payments} payments, "
            "{returns} returns, {consents} consent events (seed {seed}).".format(seed=seed, **totals)
        )

    def write_batch(self, rng, pools, purposes, start, size, today, notice_version, offsets, totals) -> None:
        customers, plans = [], []
        for i in range(start, start + size):
            market_index = rng.choices(range(len(MARKETS)), weights=MARKET_WEIGHTS)[0]
            market, pool = MARKETS[market_index], pools[market_index]
            first, last = rng.choice(pool.first_names), rng.choice(pool.last_names)
            number = offsets["customer"] + i + 1
            old = rng.random() < 0.08
            if old:
                # Customers whose last order was 2012–2018: the retention job's work.
                created = datetime(2011, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(0, 6 * 365))
                window_end = min(datetime(2018, 12, 31, tzinfo=UTC), today - timedelta(days=6 * 366))
            else:
                created = today - timedelta(days=rng.randrange(1, 5 * 365), seconds=rng.randrange(86400))
                window_end = today
            customer = Customer(
                customer_number=f"K{number:07d}",
                first_name=first,
                last_name=last,
                company=rng.choice(pool.companies) if rng.random() < 0.1 else "",
                identity_number=rng.choice(pool.ssns) if rng.random() < 0.3 else "",
                email=f"{ascii_slug(first)}.{ascii_slug(last)}{number}@example.{market.domain}",
                phone=rng.choice(pool.phones),
                street_address=rng.choice(pool.streets),
                postal_code=rng.choice(pool.postcodes),
                city=rng.choice(pool.cities),
                country=market.country,
                language=rng.choice(market.languages),
                username=f"{ascii_slug(first)}{number}" if rng.random() < 0.5 else "",
                bank_account=rng.choice(pool.ibans) if rng.random() < 0.2 else "",
                created_at=created,
            )
            if rng.random() < 0.03:
                customer.restricted_at = created + timedelta(days=rng.randrange(1, 400))
                customer.restriction_reason = "Accuracy of the data contested (GDPR Art. 18(1)(a))."
                totals["restricted"] += 1
            if rng.random() < 0.05 or old:
                customer.relationship_ended_at = window_end - timedelta(days=rng.randrange(0, 60))
            span = max(1, int((window_end - created).total_seconds()))
            placed_times = sorted(
                created + timedelta(seconds=rng.randrange(span))
                for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3, 4)))
            )
            customer.last_activity_at = placed_times[-1] if placed_times else created
            customer.refresh_derived_fields()
            customers.append(customer)
            plans.append((market, created, window_end, placed_times))
            totals["old"] += old
        self.inserter.insert(Customer, customers)
        totals["customers"] += len(customers)

        orders, order_meta, events = [], [], []
        for customer, (market, created, window_end, placed_times) in zip(customers, plans, strict=True):
            for placed in placed_times:
                offsets["order"] += 1
                status = rng.choices(list(Order.Status), weights=(3, 5, 5, 75, 6, 6))[0]
                lines = [
                    (product, rng.choice((1, 1, 1, 2, 3)))
                    for product in rng.sample(PRODUCTS, rng.randint(1, 3))
                ]
                total = sum((price * qty for (_sku, _name, price), qty in lines), Decimal("0"))
                orders.append(
                    Row(
                        customer_id=customer.pk,
                        bank_account=customer.bank_account,
                        number=f"O{offsets['order']:08d}",
                        placed_at=placed,
                        status=status,
                        total=total,
                        currency=market.currency,
                        delivery_name=customer.full_name,
                        delivery_street=customer.street_address,
                        delivery_postal_code=customer.postal_code,
                        delivery_city=customer.city,
                        delivery_country=customer.country,
                        delivery_phone=customer.phone,
                        carrier=rng.choice(market.carriers),
                    )
                )
                order_meta.append((market, lines))
            events.extend(self.consent_history(rng, customer, purposes, created, window_end, notice_version))
        self.inserter.insert(Order, orders)
        self.inserter.insert(ConsentEvent, events)
        totals["orders"] += len(orders)
        totals["consents"] += len(events)

        order_lines, invoices, invoice_orders, returns = [], [], [], []
        billed = {Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED, Order.Status.RETURNED}
        for order, (market, lines) in zip(orders, order_meta, strict=True):
            for (sku, name, price), qty in lines:
                order_lines.append(
                    Row(
                        order_id=order.id,
                        sku=sku,
                        product_name=name,
                        quantity=qty,
                        unit_price=price,
                        vat_rate=market.vat,
                    )
                )
            if order.status in billed:
                offsets["invoice"] += 1
                vat = (order.total * market.vat / (100 + market.vat)).quantize(Decimal("0.01"))
                invoices.append(
                    Row(
                        order_id=order.id,
                        number=f"F{offsets['invoice']:08d}",
                        issued_at=order.placed_at,
                        amount=order.total,
                        vat_amount=vat,
                        currency=order.currency,
                        billing_name=order.delivery_name,
                        billing_address=(
                            f"{order.delivery_street}, {order.delivery_postal_code} {order.delivery_city}"
                        ),
                    )
                )
                invoice_orders.append(order)
            if order.status == Order.Status.RETURNED or (
                order.status == Order.Status.DELIVERED and rng.random() < 0.03
            ):
                returns.append(
                    Row(
                        order_id=order.id,
                        returned_at=order.placed_at + timedelta(days=rng.randint(3, 14)),
                        reason=rng.choice(RETURN_REASONS),
                        refund_amount=order.total,
                        refund_account=order.bank_account,
                        status=Return.Status.REFUNDED
                        if order.status == Order.Status.RETURNED
                        else Return.Status.RECEIVED,
                    )
                )
        self.inserter.insert(OrderLine, order_lines)
        self.inserter.insert(Invoice, invoices)
        self.inserter.insert(Return, returns)
        payments = [
            Row(
                invoice_id=invoice.id,
                paid_at=invoice.issued_at + timedelta(minutes=rng.randint(0, 3 * 24 * 60)),
                amount=invoice.amount,
                method=rng.choice(list(Payment.Method)),
                reference=f"RF{invoice.number[1:]}",
            )
            for invoice in invoices
        ]
        self.inserter.insert(Payment, payments)
        totals["lines"] += len(order_lines)
        totals["invoices"] += len(invoices)
        totals["payments"] += len(payments)
        totals["returns"] += len(returns)

    @staticmethod
    def consent_history(rng, customer, purposes, created, window_end, notice_version) -> list[Row]:
        """Grants at checkout for some purposes, some later withdrawn by an unsubscribe link or phone."""
        events = []
        span = max(1, int((window_end - created).total_seconds()))
        for purpose in purposes:
            if rng.random() >= 0.4:
                continue
            granted_at = created + timedelta(seconds=rng.randrange(min(span, 3600)))
            events.append(
                Row(
                    customer_id=customer.pk,
                    purpose_id=purpose.pk,
                    action=ConsentEvent.Action.GRANTED,
                    occurred_at=granted_at,
                    via=ConsentEvent.Via.CHECKOUT,
                    notice_version=notice_version,
                    evidence="checkout form",
                )
            )
            if rng.random() < 0.25:
                events.append(
                    Row(
                        customer_id=customer.pk,
                        purpose_id=purpose.pk,
                        action=ConsentEvent.Action.WITHDRAWN,
                        occurred_at=min(window_end, granted_at + timedelta(seconds=1 + rng.randrange(span))),
                        via=rng.choice((ConsentEvent.Via.UNSUBSCRIBE, ConsentEvent.Via.PHONE)),
                        notice_version=notice_version,
                        evidence="demo data",
                    )
                )
        return events
