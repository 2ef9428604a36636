"""The rows of demo customers, orders, bookkeeping records, returns and consent histories.

Deterministic for a seed (and the same starting database and day): every draw comes from one
``random.Random`` in a fixed order, customer after customer, whatever the batch size or database.
Faker fills pools of names and addresses once; a row is then picked from the pools and precomputed
tables (products in a basket, order statuses, formatted times and amounts) with one ``random()`` per
choice, and built as a tuple of text in the database's input form (``loading.Formats``).
"""

from __future__ import annotations

import random
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from itertools import permutations

from faker import Faker

from customers.contacts import EMAIL, hash_contact, normalize_email
from customers.demo.loading import DAY, Formats
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
# Tables of 100 entries: one random() picks an entry with the weight in percent.
MARKET_PERCENT = (45, 30, 15, 10)
ORDER_STATUS_PERCENT = (3, 5, 5, 75, 6, 6)
ORDER_COUNTS = (0, 1, 1, 1, 2, 2, 3, 4)  # without --orders-per-customer: 1.75 on average
QUANTITIES = (1, 1, 1, 2, 3)


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
TOTALS = ("customers", "orders", "lines", "invoices", "payments", "returns", "consents", "old", "restricted")

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
RETURN_COLUMNS = (
    "id",
    "order_id",
    "customer_id",
    "returned_at",
    "reason",
    "refund_amount",
    "refund_account",
    "status",
)
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


def plain(value: str) -> str:
    """A Faker value on one line and without backslashes, so it goes into COPY's text format as is."""
    return " ".join(value.replace("\\", "").split())


def by_percent(values: tuple, percents: tuple[int, ...]) -> tuple:
    """100 entries, each value as many times as its percent: ``table[int(random() * 100)]`` draws one."""
    assert sum(percents) == 100
    return tuple(value for value, percent in zip(values, percents, strict=True) for _ in range(percent))


def seconds(moment: datetime) -> int:
    return int(moment.timestamp())


class Pools:
    """Per-market pools of Faker values, drawn once per run from a seeded Faker.

    Names are kept with their ASCII slug and phones with their normalised form and keyed hash, so the
    per-customer work is picking from lists.
    """

    def __init__(self, market: Market, seed: int, scratch: Customer):
        fake = Faker(market.locale)
        fake.seed_instance(seed)
        first_names = [plain(fake.first_name()) for _ in range(POOL_SIZE)]
        last_names = [plain(fake.last_name()) for _ in range(POOL_SIZE)]
        if market.country == "EE":
            # Faker's et_EE has Estonian names only: addresses, phones and IBANs come from here.
            rng = random.Random(seed)
            streets, postcodes, cities, phones = estonian_contacts(rng, POOL_SIZE)
            self.ibans = [estonian_iban(rng) for _ in range(POOL_SIZE)]
        else:
            streets = [fake.street_address() for _ in range(POOL_SIZE)]
            postcodes = [fake.postcode() for _ in range(POOL_SIZE)]
            cities = [fake.city() for _ in range(POOL_SIZE)]
            phones = [fake.phone_number() for _ in range(POOL_SIZE)]
            self.ibans = [plain(fake.iban()) for _ in range(POOL_SIZE)]
        self.first_names = [(name, ascii_slug(name)) for name in first_names]
        self.last_names = [(name, ascii_slug(name)) for name in last_names]
        self.addresses = [
            (plain(street), plain(postcode), plain(city))
            for street, postcode, city in zip(streets, postcodes, cities, strict=True)
        ]
        self.companies = [plain(fake.company()) for _ in range(POOL_SIZE // 4)]
        # The phone's normalised form and keyed hash as the Customer model derives them.
        self.phones = []
        scratch.email, scratch.country = "", market.country
        for phone in map(plain, phones):
            scratch.phone = phone
            scratch.refresh_derived_fields()
            self.phones.append((phone, scratch.phone_normalized, scratch.phone_digest))


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


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


class MarketTables:
    """What a customer of one market draws from, precomputed as text."""

    def __init__(self, market: Market, pools: Pools, seller: str | None):
        self.market = market
        self.pools = pools
        self.seller = seller
        vat = str(market.vat)
        # The text of an order line after its id and order id, by product and quantity index.
        self.line_tails = [
            [(sku, name, str(quantity), str(price), vat) for quantity in QUANTITIES]
            for sku, name, price in PRODUCTS
        ]
        self.vat_by_total: dict[int, str] = {}

    def vat_of(self, cents: int) -> str:
        """The VAT included in a total, rounded to the cent as the bookkeeping does (half to even)."""
        text = self.vat_by_total.get(cents)
        if text is None:
            vat = self.market.vat
            text = self.vat_by_total[cents] = str((Decimal(cents) / 100 * vat / (100 + vat)).quantize(CENT))
        return text


class DemoGenerator:
    """The state of one run: the seeded random source, the pools and the numbers handed out so far."""

    def __init__(
        self,
        seed: int,
        orders_per_customer: int | None,
        method: str,
        last_ids: dict[type, int],
    ):
        self.rng = random.Random(seed)
        self.orders_per_customer = orders_per_customer
        self.purposes = [
            str(pk) for pk in ConsentPurpose.objects.order_by("code").values_list("pk", flat=True)
        ]
        # Dates are relative to the start of today, so a seed gives the same data all day.
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        self.today = seconds(today)
        self.old_start = seconds(datetime(2011, 1, 1, tzinfo=UTC))
        self.old_end = min(seconds(datetime(2018, 12, 31, tzinfo=UTC)), self.today - 6 * 366 * DAY)
        # Restrictions come up to 400 days after a customer was created, returns and due dates two weeks
        # after an order.
        self.formats = Formats(method, self.today // DAY + 400)
        null = self.formats.null
        # Each consent event cites the notice in force when it happened (none before the first).
        versions = NoticeVersion.objects.order_by("published_at", "number").values_list(
            "published_at", "number"
        )
        self.notice_times = [published.timestamp() for published, _number in versions]
        self.notice_numbers = [str(number) for _published, number in versions]
        sellers = sellers_by_market()
        # The pools derive phones with an unsaved customer's refresh_derived_fields(); each row's email
        # gets the same normalisation and keyed hash the model gives it (customers.contacts).
        scratch = Customer()
        self.markets = []
        for n, market in enumerate(MARKETS):
            seller = sellers.get(market.country, sellers.get(None))
            pools = Pools(market, seed + n, scratch)
            self.markets.append(MarketTables(market, pools, null if seller is None else str(seller)))
        self.market_table = by_percent(tuple(self.markets), MARKET_PERCENT)
        self.status_table = by_percent(ORDER_STATUSES, ORDER_STATUS_PERCENT)
        # Baskets of one to three different products, in every order: one draw picks one.
        self.baskets = [list(permutations(range(len(PRODUCTS)), size)) for size in (1, 2, 3)]
        self.prices = [int(price * 100) for _sku, _name, price in PRODUCTS]
        self.money: dict[int, str] = {}
        self.numbers = {
            "customer": Customer.objects.count(),
            "order": Order.objects.count(),
            "invoice": Invoice.objects.count(),
        }
        self.next_ids = {model: last + 1 for model, last in last_ids.items()}
        self.totals = dict.fromkeys(TOTALS, 0)

    def notice_in_force(self, moment: int) -> str | None:
        """The number of the notice published last at or before ``moment``, or NULL before the first."""
        index = bisect_right(self.notice_times, moment)
        return self.notice_numbers[index - 1] if index else self.formats.null

    def batch(self, size: int) -> list[tuple[type, tuple[str, ...], list[tuple]]]:
        """Generate ``size`` customers with their orders, bookkeeping records and consents.

        Returns ``(model, columns, rows)`` for each table. Every random draw happens in a fixed order,
        customer after customer, so a seed always gives the same rows.
        """
        rnd = self.rng.random
        stamp, dates, null = self.formats.stamp, self.formats.dates, self.formats.null
        notice_in_force, totals = self.notice_in_force, self.totals
        market_table, status_table, baskets, prices = (
            self.market_table,
            self.status_table,
            self.baskets,
            self.prices,
        )
        money_text, purposes = self.money, self.purposes
        today, old_start, old_end = self.today, self.old_start, self.old_end
        orders_per_customer = self.orders_per_customer
        ids = self.next_ids
        customer_id, order_id, line_id = ids[Customer], ids[Order], ids[OrderLine]
        invoice_id, payment_id, return_id, event_id = (
            ids[Invoice],
            ids[Payment],
            ids[Return],
            ids[ConsentEvent],
        )
        numbers = self.numbers
        customer_number, order_number, invoice_number = (
            numbers["customer"],
            numbers["order"],
            numbers["invoice"],
        )
        customers, orders, lines, invoices, payments, returns, events = [], [], [], [], [], [], []
        granted, withdrawn = ConsentEvent.Action.GRANTED.value, ConsentEvent.Action.WITHDRAWN.value
        checkout = ConsentEvent.Via.CHECKOUT.value
        refunded, received = Return.Status.REFUNDED.value, Return.Status.RECEIVED.value
        old_count = restricted_count = 0
        for _ in range(size):
            tables = market_table[int(rnd() * 100)]
            market, pool = tables.market, tables.pools
            first, first_slug = pool.first_names[int(rnd() * POOL_SIZE)]
            last, last_slug = pool.last_names[int(rnd() * POOL_SIZE)]
            customer_number += 1
            number = customer_number
            old = rnd() < 0.08
            if old:
                # Customers whose last order was 2012–2018: the retention job's work.
                created = old_start + DAY * int(rnd() * 6 * 365)
                window_end = old_end
                old_count += 1
            else:
                created = today - DAY * (1 + int(rnd() * (5 * 365 - 1))) - int(rnd() * DAY)
                window_end = today
            company = pool.companies[int(rnd() * len(pool.companies))] if rnd() < 0.1 else ""
            identity_number = identity_number_of(market.country, number) if rnd() < 0.3 else ""
            email = f"{first_slug}.{last_slug}{number}@example.{market.domain}"
            phone, phone_normalized, phone_digest = pool.phones[int(rnd() * POOL_SIZE)]
            street, postcode, city = pool.addresses[int(rnd() * POOL_SIZE)]
            language = market.languages[int(rnd() * len(market.languages))]
            username = f"{first_slug}{number}" if rnd() < 0.5 else ""
            bank_account = pool.ibans[int(rnd() * POOL_SIZE)] if rnd() < 0.2 else ""
            restricted_at, restriction_reason = null, ""
            if rnd() < 0.03:
                restricted_at = stamp(created + DAY * (1 + int(rnd() * 399)))
                restriction_reason = RESTRICTION_REASON
                restricted_count += 1
            ended_at = null
            if rnd() < 0.05 or old:
                ended_at = stamp(window_end - DAY * int(rnd() * 60))
            span = max(1, window_end - created)
            order_count = orders_per_customer
            if order_count is None:
                order_count = ORDER_COUNTS[int(rnd() * len(ORDER_COUNTS))]
            placed_times = sorted([created + int(rnd() * span) for _ in range(order_count)])
            email_normalized = normalize_email(email)
            customer = str(customer_id)
            full_name = f"{first} {last}"
            customers.append(
                (
                    customer,
                    f"K{number:07d}",
                    first,
                    last,
                    company,
                    identity_number,
                    email,
                    email_normalized,
                    hash_contact(EMAIL, email_normalized),
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
                    stamp(created),
                    stamp(placed_times[-1]) if placed_times else stamp(created),
                    ended_at,
                    restricted_at,
                    restriction_reason,
                )
            )
            customer_id += 1
            if placed_times:
                currency, country, seller, line_tails, vat_by_total = (
                    market.currency,
                    market.country,
                    tables.seller,
                    tables.line_tails,
                    tables.vat_by_total,
                )
                billing_address = f"{street}, {postcode} {city}"
            for placed in placed_times:
                order_number += 1
                status = status_table[int(rnd() * 100)]
                choices = baskets[int(rnd() * 3)]
                order = str(order_id)
                cents = 0
                for product in choices[int(rnd() * len(choices))]:
                    quantity = int(rnd() * 5)
                    lines.append((str(line_id), order) + line_tails[product][quantity])
                    line_id += 1
                    cents += prices[product] * QUANTITIES[quantity]
                total = money_text.get(cents)
                if total is None:
                    total = money_text[cents] = money(cents)
                placed_at = stamp(placed)
                delivered_at = null
                if status in (DELIVERED, RETURNED):
                    # Delivered a few days after the order (never in the future); no random draw.
                    delivered_at = stamp(min(placed + DAY * (2 + order_id % 5), today))
                orders.append(
                    (
                        order,
                        customer,
                        seller,
                        f"O{order_number:08d}",
                        placed_at,
                        status,
                        total,
                        currency,
                        full_name,
                        street,
                        postcode,
                        city,
                        country,
                        phone,
                        market.carriers[int(rnd() * len(market.carriers))],
                        delivered_at,
                    )
                )
                if status in BILLED:
                    invoice_number += 1
                    invoice = str(invoice_id)
                    digits = f"{invoice_number:08d}"
                    invoices.append(
                        (
                            invoice,
                            order,
                            "F" + digits,
                            placed_at,
                            total,
                            vat_by_total.get(cents) or tables.vat_of(cents),
                            currency,
                            full_name,
                            billing_address,
                            dates[placed // DAY + 14],
                        )
                    )
                    paid = placed + 60 * int(rnd() * (3 * 24 * 60 + 1))
                    method = PAYMENT_METHODS[int(rnd() * len(PAYMENT_METHODS))]
                    payments.append((str(payment_id), invoice, stamp(paid), total, method, "RF" + digits))
                    invoice_id += 1
                    payment_id += 1
                if status == RETURNED or (status == DELIVERED and rnd() < 0.03):
                    returned = stamp(placed + DAY * (3 + int(rnd() * 12)))
                    reason = RETURN_REASONS[int(rnd() * len(RETURN_REASONS))]
                    refund_status = refunded if status == RETURNED else received
                    returns.append(
                        (
                            str(return_id),
                            order,
                            customer,
                            returned,
                            reason,
                            total,
                            bank_account,
                            refund_status,
                        )
                    )
                    return_id += 1
                order_id += 1
            # Grants at checkout for some purposes, some later withdrawn by an unsubscribe link or phone.
            for purpose in purposes:
                if rnd() >= 0.4:
                    continue
                moment = created + int(rnd() * min(span, 3600))
                events.append(
                    (
                        str(event_id),
                        customer,
                        purpose,
                        granted,
                        stamp(moment),
                        checkout,
                        notice_in_force(moment),
                        "checkout form",
                    )
                )
                event_id += 1
                if rnd() < 0.25:
                    moment = min(window_end, moment + 1 + int(rnd() * span))
                    channel = WITHDRAWAL_CHANNELS[int(rnd() * len(WITHDRAWAL_CHANNELS))]
                    events.append(
                        (
                            str(event_id),
                            customer,
                            purpose,
                            withdrawn,
                            stamp(moment),
                            channel,
                            notice_in_force(moment),
                            "demo data",
                        )
                    )
                    event_id += 1
        ids.update(
            {
                Customer: customer_id,
                Order: order_id,
                OrderLine: line_id,
                Invoice: invoice_id,
                Payment: payment_id,
                Return: return_id,
                ConsentEvent: event_id,
            }
        )
        numbers.update(customer=customer_number, order=order_number, invoice=invoice_number)
        written = (
            (Customer, CUSTOMER_COLUMNS, customers, "customers"),
            (Order, ORDER_COLUMNS, orders, "orders"),
            (OrderLine, LINE_COLUMNS, lines, "lines"),
            (Invoice, INVOICE_COLUMNS, invoices, "invoices"),
            (Payment, PAYMENT_COLUMNS, payments, "payments"),
            (Return, RETURN_COLUMNS, returns, "returns"),
            (ConsentEvent, CONSENT_COLUMNS, events, "consents"),
        )
        for _model, _columns, rows, name in written:
            totals[name] += len(rows)
        totals["old"] += old_count
        totals["restricted"] += restricted_count
        return [(model, columns, rows) for model, columns, rows, _name in written]
