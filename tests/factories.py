"""Plain ``make_*`` helpers that build test data with sensible defaults.

Each app's helpers live in its own section; keyword arguments override any field.
"""


# --- customers ---

_customer_seq = iter(range(1, 10**9))


def make_customer(**fields):
    from customers.models import Customer

    n = next(_customer_seq)
    defaults = {
        "customer_number": f"C{n:07d}",
        "first_name": "Anna",
        "last_name": f"Svensson{n}",
        "email": f"anna{n}@example.com",
        "phone": f"+358 40 {n:07d}",
        "street_address": "Storgatan 1",
        "postal_code": "00100",
        "city": "Helsingfors",
        "country": "FI",
        "language": "sv",
    }
    defaults.update(fields)
    return Customer.objects.create(**defaults)


def make_order(customer=None, **fields):
    from decimal import Decimal

    from customers.models import Order

    customer = customer or make_customer()
    n = next(_customer_seq)
    defaults = {
        "number": f"O{n:08d}",
        "status": Order.Status.DELIVERED,
        "total": Decimal("49.90"),
        "currency": "EUR",
        "delivery_name": customer.full_name,
        "delivery_street": customer.street_address,
        "delivery_postal_code": customer.postal_code,
        "delivery_city": customer.city,
        "delivery_country": customer.country,
        "delivery_phone": customer.phone,
        "carrier": "Posti",
    }
    defaults.update(fields)
    return Order.objects.create(customer=customer, **defaults)


def make_order_line(order=None, **fields):
    from decimal import Decimal

    from customers.models import OrderLine

    defaults = {"sku": "SKU-1", "product_name": "Tea towel", "quantity": 1, "unit_price": Decimal("49.90")}
    defaults.update(fields)
    return OrderLine.objects.create(order=order or make_order(), **defaults)


def make_invoice(order=None, **fields):
    from decimal import Decimal

    from customers.models import Invoice

    order = order or make_order()
    n = next(_customer_seq)
    defaults = {
        "number": f"I{n:08d}",
        "amount": order.total,
        "vat_amount": Decimal("9.93"),
        "currency": order.currency,
        "billing_name": order.delivery_name,
        "billing_address": order.delivery_address,
    }
    defaults.update(fields)
    return Invoice.objects.create(order=order, **defaults)


def make_payment(invoice=None, **fields):
    from customers.models import Payment

    invoice = invoice or make_invoice()
    defaults = {"amount": invoice.amount, "method": Payment.Method.CARD, "reference": "REF-1"}
    defaults.update(fields)
    return Payment.objects.create(invoice=invoice, **defaults)


def make_return(order=None, **fields):
    from customers.models import Return

    order = order or make_order()
    defaults = {
        "reason": "Wrong size",
        "refund_amount": order.total,
        "refund_account": "FI21 1234 5600 0007 85",
        "status": Return.Status.REQUESTED,
    }
    defaults.update(fields)
    return Return.objects.create(order=order, **defaults)


def make_consent(customer=None, purpose="newsletter_email", action="granted", via="checkout", **fields):
    """Record a consent event through the ledger methods (action "granted" or "withdrawn")."""
    customer = customer or make_customer()
    if action == "granted":
        return customer.grant_consent(purpose, via=via, **fields)
    return customer.withdraw_consent(purpose, via=via, **fields)


# --- requests ---


def make_request(**fields):
    """A data-subject request; verified (actionable) unless ``status`` says otherwise."""
    from requests.models import Request

    defaults = {
        "kind": Request.Kind.ACCESS,
        "email": "kund@example.org",
        "name": "Kund Kundsson",
        "language": "sv",
        "status": Request.Status.VERIFIED,
        "received_via": Request.Channel.WEB_FORM,
    }
    defaults.update(fields)
    return Request.objects.create(**defaults)


# --- register ---


ALL_LANGUAGES = ("sv", "fi", "nb", "en")


def _four(text: str, languages=ALL_LANGUAGES) -> dict:
    return {f"_{code}": (f"{text} [{code}]" if code in languages else "") for code in ALL_LANGUAGES}


def _texts(name: str, text: str, languages=ALL_LANGUAGES) -> dict:
    return {f"{name}{suffix}": value for suffix, value in _four(text, languages).items()}


def make_register(languages=ALL_LANGUAGES, **fields):
    """A current register with its own texts filled in ``languages`` (the first is the original), no parts.

    It publishes in the languages its texts are written in.
    """
    from register.models import Register

    defaults = {
        "country": "FI",
        "language": languages[0],
        "published_languages": list(languages),
        **_texts("name", "Kundregister", languages),
        **_texts("data_subjects", "Kunder", languages),
        **_texts("transfers", "Inga överföringar", languages),
        **_texts("provision_requirement", "Krävs för avtalet", languages),
        **_texts("automated_decisions", "Inga automatiserade beslut", languages),
    }
    defaults.update(fields)
    return Register.objects.create(**defaults)


def make_complete_register(languages=ALL_LANGUAGES, **fields):
    """A register that GDPR Art. 13 lets us publish: one of everything, every right reachable.

    Its texts are written in ``languages`` (the first is the original language).
    """
    from register.models import (
        ContactPerson,
        Controller,
        DataCategory,
        ProtectionPrinciple,
        Purpose,
        Recipient,
        RetentionRule,
        Right,
        RightsChannel,
        Source,
    )

    register = make_register(languages, **fields)
    Controller.objects.create(
        register=register,
        name="Testbutik Oy",
        business_id="1234567-1",
        business_id_kind="y_tunnus",
        street_address="Esplanaden 1",
        postal_code="00100",
        city="Helsingfors",
        country=register.country,
        email="info@testbutik.example",
    )
    ContactPerson.objects.create(
        register=register, name="Dora Dataskydd", role="dpo", emails="dpo@testbutik.example"
    )
    purpose = Purpose.objects.create(
        register=register, legal_basis="b", **_texts("text", "Leverera beställningar", languages)
    )
    category = DataCategory.objects.create(register=register, **_texts("name", "Kontaktuppgifter", languages))
    category.purposes.set([purpose])
    rule = RetentionRule.objects.create(
        register=register,
        period_amount=3,
        period_unit="years",
        counts_from="last_activity",
        rule="customer_inactive",
    )
    rule.categories.set([category])
    Source.objects.create(register=register, **_texts("text", "Kunden själv", languages))
    Recipient.objects.create(
        register=register, kind="carrier", country="FI", **_texts("name", "Posti", languages)
    )
    ProtectionPrinciple.objects.create(
        register=register, **_texts("text", "Krypterade förbindelser", languages)
    )
    for right in Right:
        RightsChannel.objects.create(
            register=register, right=right, channel="email", value="dpo@testbutik.example"
        )
    return register


def make_category(register, name: str, languages=ALL_LANGUAGES, **fields):
    """A data category of ``register`` named ``name`` (with the language in brackets) in ``languages``."""
    from register.models import DataCategory

    return DataCategory.objects.create(register=register, **_texts("name", name, languages), **fields)


def make_retention_rule(register, categories=(), **fields):
    """A retention rule of ``register`` covering ``categories`` (default: 2 years from last activity)."""
    from register.models import RetentionRule

    defaults = {"period_amount": 2, "period_unit": "years", "counts_from": "last_activity"}
    defaults.update(fields)
    rule = RetentionRule.objects.create(register=register, **defaults)
    rule.categories.set(categories)
    return rule


# --- access reports and rectification ---


def make_matched_request(customers=(), **fields):
    """A verified request whose customer match staff have confirmed (ready for fulfilment)."""
    from django.utils import timezone

    customers = list(customers)
    if customers and "email" not in fields:
        fields["email"] = customers[0].email
    if customers and "language" not in fields:
        fields["language"] = customers[0].language
    request = make_request(match_confirmed_at=timezone.now(), **fields)
    request.customers.set(customers)
    return request


# --- retention ---

RETENTION_PERIODS = {
    # rule key: (amount, unit, counts from)
    "customer_inactive": (3, "years", "last_activity"),
    "order_bookkeeping": (1, "years", "creation"),
    "unverified_request": (7, "days", "request_received"),
    "completed_request": (2, "years", "request_completed"),
    "access_report": (1, "days", "creation"),
    "history_rows": (365, "days", "creation"),
    "erased_consents": (30, "days", "creation"),
    "webhook_deliveries": (90, "days", "creation"),
}


def make_published_retention_register(country: str = "FI", **periods):
    """A published register of ``country`` with one executable retention rule per key.

    Override a rule's period with key=(n, unit, from).
    """
    from register.models import RetentionRule, publish

    register = make_complete_register(country=country)
    wanted = {**RETENTION_PERIODS, **periods}
    for key, (amount, unit, counts_from) in wanted.items():
        RetentionRule.objects.update_or_create(
            register=register,
            rule=key,
            defaults={"period_amount": amount, "period_unit": unit, "counts_from": counts_from},
        )
    publish(register)
    return register


def make_retention_world(now, *, private_root=None):
    """Rows for every retention rule, some past their period and some inside it, relative to ``now``.

    With the periods of RETENTION_PERIODS and a shop in Finland. Returns nothing: tests compare
    table contents before and after.
    """
    from datetime import date, datetime, time, timedelta

    from django.utils import timezone

    from customers.models import Customer
    from requests.models import AccessReport, Request

    day = timedelta(days=1)
    years = 365 * day
    old = timezone.make_aware(datetime.combine(date(now.year - 12, 3, 1), time(12)))
    # Customers without activity for five years, with consents; one active customer.
    for _ in range(3):
        make_consent(make_customer(last_activity_at=now - 5 * years, created_at=now - 9 * years))
    shopper = make_customer(last_activity_at=now - 10 * day)
    # Orders long past the Finnish bookkeeping period, and two recent ones.
    for n in range(25):
        order = make_order(shopper, placed_at=old + n * day)
        make_order_line(order)
        make_order_line(order, sku="SKU-2")
        make_payment(make_invoice(order, issued_at=old + n * day), paid_at=old + n * day)
        if n % 5 == 0:
            make_return(order, returned_at=old + (n + 3) * day)
    for _ in range(2):
        order = make_order(shopper, placed_at=now - 30 * day)
        make_order_line(order)
        make_invoice(order, issued_at=now - 30 * day)
    # Unverified requests, three past seven days; completed requests, two past two years.
    for age in (10, 11, 12, 2):
        make_request(status=Request.Status.AWAITING_VERIFICATION, received_at=now - age * day)
    for age in (3, 4, 1):
        make_request(status=Request.Status.COMPLETED, closed_at=now - age * years, message="Please")
    # Access reports: two expired, one live.
    request = make_request(status=Request.Status.COMPLETED, closed_at=now - 10 * day)
    for n, expires in enumerate((now - 2 * day, now - day, now + 5 * day)):
        if private_root is not None:
            private_root.mkdir(parents=True, exist_ok=True)
            (private_root / f"r{n}.zip").write_bytes(b"PK")
        AccessReport.objects.create(
            request=request, kind="access", file_path=f"r{n}.zip", expires_at=expires, sha256="0" * 64
        )
    # Customers erased two months ago, with their consent history and the erasure's proof.
    for _ in range(2):
        erased = make_customer(erased_at=now - 60 * day, first_name="", last_name="", email="")
        make_consent(erased, occurred_at=now - 3 * years)
        make_consent(erased, action="withdrawn", via="request", occurred_at=now - 60 * day)
    # History rows older than a year.
    Customer.history.filter(pk__in=Customer.history.order_by("history_id")[:4].values("pk")).update(
        history_date=now - 2 * years
    )
    # Webhook deliveries: two past 90 days (one with its malformed body), one inside.
    from api.models import Integration, WebhookDelivery

    shop = Integration.objects.create(name="Shop", kind=Integration.Kind.SHOPIFY, secret="s" * 24)
    for age, body in ((100, "{"), (200, ""), (30, "")):
        WebhookDelivery.objects.create(
            integration=shop,
            topic="orders/updated",
            received_at=now - age * day,
            outcome="malformed" if body else "processed",
            body=body,
        )
