import re
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.db.models import Count

from customers.demo import generate_customers
from customers.models import ConsentEvent, Customer, Invoice, Order, OrderLine, Payment, Return

pytestmark = pytest.mark.django_db(transaction=False)


def snapshot():
    return {
        "customers": list(
            Customer.objects.order_by("customer_number").values_list(
                "customer_number",
                "first_name",
                "last_name",
                "email",
                "phone",
                "country",
                "language",
                "created_at",
            )
        ),
        "orders": list(
            Order.objects.order_by("number").values_list(
                "number", "customer__customer_number", "total", "controller__name", "delivered_at"
            )
        ),
        "lines": OrderLine.objects.count(),
        "invoices": list(Invoice.objects.order_by("number").values_list("number", "due_on")),
        "payments": Payment.objects.count(),
        "returns": Return.objects.count(),
        "consents": list(
            ConsentEvent.objects.order_by(
                "customer__customer_number", "purpose__code", "occurred_at"
            ).values_list("customer__customer_number", "purpose__code", "action", "occurred_at")
        ),
    }


def wipe():
    for model in (Payment, Invoice, Return, OrderLine, Order, ConsentEvent):
        model.objects.all().delete() if model is not ConsentEvent else model.objects.all()._raw_delete(
            "default"
        )
    Customer.objects.all().delete()


def test_generate_demo_data_is_deterministic_for_a_seed():
    # A register with two controllers: orders name their seller, the same for the same seed.
    call_command("load_example_register", "jalonom", verbosity=0)
    call_command("generate_demo_data", customers=300, seed=7, verbosity=0)
    first = snapshot()
    assert len(first["customers"]) == 300
    assert first["orders"] and first["consents"] and first["invoices"] and first["returns"]
    assert Customer.objects.filter(restricted_at__isnull=False).exists()
    assert Order.objects.filter(placed_at__year__lte=2018).exists()
    wipe()
    call_command("generate_demo_data", customers=300, seed=7, verbosity=0)
    assert snapshot() == first
    wipe()
    call_command("generate_demo_data", customers=300, seed=8, verbosity=0)
    assert snapshot()["customers"] != first["customers"]


def test_generate_demo_data_keeps_every_index_of_the_tables_it_fills():
    # On SQLite the command drops secondary indexes for the bulk load and rebuilds them.
    tables = [model._meta.db_table for model in (Customer, Order, OrderLine, Invoice, Payment, Return)]
    tables.append(ConsentEvent._meta.db_table)

    def indexes():
        with connection.cursor() as cursor:
            return {
                table: sorted(connection.introspection.get_constraints(cursor, table)) for table in tables
            }

    before = indexes()
    call_command("generate_demo_data", customers=50, seed=3, verbosity=0)
    assert Customer.objects.count() == 50
    assert indexes() == before


def test_demo_customers_hold_the_derived_contacts_a_save_would_store():
    generate_customers(200, seed=4)
    derived = ("email_normalized", "email_digest", "phone_normalized", "phone_digest")
    for customer in Customer.objects.all():
        stored = [getattr(customer, name) for name in derived]
        customer.refresh_derived_fields()
        assert stored == [getattr(customer, name) for name in derived]
    assert Customer.objects.exclude(phone_digest="").exists()


def test_demo_orders_and_invoices_carry_the_customers_full_name():
    generate_customers(100, seed=4)
    for order in Order.objects.select_related("customer"):
        assert order.delivery_name == order.customer.full_name
    for invoice in Invoice.objects.select_related("order__customer"):
        assert invoice.billing_name == invoice.order.customer.full_name


def test_customer_demo_data_cites_the_notice_in_force_at_each_event_and_adds_no_requests():
    from datetime import timedelta

    from django.utils import timezone

    from register.models import NoticeVersion
    from requests.models import Request

    call_command("load_example_register", "jalonom", verbosity=0)
    notice = NoticeVersion.objects.current()
    published = timezone.now() - timedelta(days=400)
    NoticeVersion.objects.filter(pk=notice.pk).update(published_at=published)
    generate_customers(300, seed=2)

    assert Customer.objects.count() == 300
    events = list(ConsentEvent.objects.values_list("occurred_at", "notice_version"))
    # No event cites a notice published after it; events before the first notice cite none.
    assert all(version == (notice.number if occurred >= published else None) for occurred, version in events)
    assert {version for _occurred, version in events} == {None, notice.number}
    assert not Request.objects.exists()


# Checks written from the national specifications, independently of the generator.
FINNISH_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def valid_finnish(value):
    match = re.fullmatch(r"(\d{2})(\d{2})(\d{2})[-+A](\d{3})([0-9A-Y])", value)
    if not match:
        return False
    day, month, year, individual, check = match.groups()
    date(1900 + int(year), int(month), int(day))
    return 2 <= int(individual) <= 899 and FINNISH_CHECK[int(day + month + year + individual) % 31] == check


def valid_swedish(value):
    match = re.fullmatch(r"(\d{6})-(\d{4})", value)
    if not match:
        return False
    digits = match.group(1) + match.group(2)
    date(1900 + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    total = 0
    for position, char in enumerate(digits):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return total % 10 == 0


def valid_norwegian(value):
    if not re.fullmatch(r"\d{11}", value):
        return False
    d = [int(c) for c in value]
    date(1900 + d[4] * 10 + d[5], d[2] * 10 + d[3], d[0] * 10 + d[1])
    k1 = 11 - sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), d[:9], strict=True)) % 11
    k2 = 11 - sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), d[:10], strict=True)) % 11
    k1, k2 = (0 if k1 == 11 else k1), (0 if k2 == 11 else k2)
    return k1 == d[9] and k2 == d[10] and int(value[6:9]) <= 499


def valid_estonian(value):
    if not re.fullmatch(r"[34]\d{10}", value):
        return False
    d = [int(c) for c in value]
    date(1900 + d[1] * 10 + d[2], d[3] * 10 + d[4], d[5] * 10 + d[6])
    check = sum(w * x for w, x in zip((1, 2, 3, 4, 5, 6, 7, 8, 9, 1), d[:10], strict=True)) % 11
    if check == 10:
        check = sum(w * x for w, x in zip((3, 4, 5, 6, 7, 8, 9, 1, 2, 3), d[:10], strict=True)) % 11 % 10
    return check == d[10]


VALIDATORS = {"FI": valid_finnish, "SE": valid_swedish, "NO": valid_norwegian, "EE": valid_estonian}


def test_every_demo_identity_number_is_valid_for_its_country_and_unique():
    generate_customers(3000, seed=5)
    numbers = list(Customer.objects.exclude(identity_number="").values_list("country", "identity_number"))
    assert len(numbers) > 500
    assert {country for country, _number in numbers} == set(VALIDATORS)
    invalid = [(country, number) for country, number in numbers if not VALIDATORS[country](number)]
    assert invalid == []
    assert len({number for _country, number in numbers}) == len(numbers)


def test_the_validators_reject_a_wrong_check_character():
    # A test of the checks themselves: one changed check digit fails each of them.
    assert valid_finnish("131052-308T") and not valid_finnish("131052-308U")
    assert valid_swedish("811218-9876") and not valid_swedish("811218-9875")
    assert valid_norwegian("15076500565") and not valid_norwegian("15076500564")
    assert valid_estonian("37605030299") and not valid_estonian("37605030298")


def test_identity_numbers_stay_valid_and_distinct_far_beyond_a_million_customers():
    from customers.demo_identity import identity_number

    for country, validator in VALIDATORS.items():
        sample = [identity_number(country, n) for n in range(1, 4_000_000, 997)]
        assert all(validator(value) for value in sample), country
        assert len(set(sample)) == len(sample)


def test_estonian_demo_customers_have_estonian_phones_and_addresses():
    from customers.demo_identity import ESTONIAN_PLACES

    generate_customers(600, seed=6)
    places = {city: set(codes) for city, codes in ESTONIAN_PLACES}
    estonians = list(
        Customer.objects.filter(country="EE").values_list("phone", "phone_normalized", "postal_code", "city")
    )
    assert estonians
    for phone, normalized, postal_code, city in estonians:
        assert phone.startswith("+372 5") and normalized.startswith("+3725")
        assert postal_code in places[city]
    assert all(
        account.startswith("EE")
        for account in Customer.objects.filter(country="EE")
        .exclude(bank_account="")
        .values_list("bank_account", flat=True)
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_and_executemany_write_the_same_rows():
    call_command("load_example_register", "jalonom", verbosity=0)
    # Large enough a run to take the bulk-load path (foreign keys and indexes dropped, then restored).
    generate_customers(300, seed=9, method="copy")
    copied = full_snapshot()
    wipe()
    generate_customers(300, seed=9, method="executemany")
    written = full_snapshot()
    for table, rows in copied.items():
        assert len(written[table]) == len(rows), table
        for row, other in zip(rows, written[table], strict=True):
            assert row == other, table
    assert copied["customer"]


def full_snapshot():
    """Every column of every generated table, ids and foreign keys relative to the first row."""
    tables = {}
    for model in (Customer, Order, OrderLine, Invoice, Payment, Return, ConsentEvent):
        rows = list(
            model.objects.order_by("pk").values_list(*[f.attname for f in model._meta.concrete_fields])
        )
        tables[model._meta.model_name] = rows
    first = {name: rows[0][0] if rows else 0 for name, rows in tables.items()}
    offsets = {"customer_id": first["customer"], "order_id": first["order"], "invoice_id": first["invoice"]}
    result = {}
    for model in (Customer, Order, OrderLine, Invoice, Payment, Return, ConsentEvent):
        names = [f.attname for f in model._meta.concrete_fields]
        own = first[model._meta.model_name]
        result[model._meta.model_name] = [
            tuple(
                value - own if name == "id" else value - offsets[name] if name in offsets else value
                for name, value in zip(names, row, strict=True)
            )
            for row in tables[model._meta.model_name]
        ]
    return result


def test_copy_is_refused_without_postgresql():
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL has COPY")
    with pytest.raises(CommandError):
        call_command("generate_demo_data", customers=1, method="copy", verbosity=0)


def test_orders_per_customer_gives_every_customer_that_many_orders():
    generate_customers(40, seed=3, orders_per_customer=5)
    assert Order.objects.count() == 200
    assert set(Customer.objects.annotate(n=Count("orders")).values_list("n", flat=True)) == {5}


def test_generate_demo_data_refuses_a_negative_count():
    with pytest.raises(CommandError):
        call_command("generate_demo_data", customers=-1, verbosity=0)


def test_the_rows_do_not_depend_on_the_batch_size(monkeypatch):
    # Every draw is made customer after customer, so the same seed gives the same rows, every column of
    # every table, in batches of any size.
    import customers.demo

    call_command("load_example_register", "jalonom", verbosity=0)
    generate_customers(120, seed=11)
    whole = full_snapshot()
    wipe()
    monkeypatch.setattr(customers.demo, "BATCH", 7)
    generate_customers(120, seed=11)
    assert full_snapshot() == whole
    assert whole["customer"] and whole["orderline"] and whole["consentevent"]


def test_demo_bookkeeping_records_agree_with_their_orders():
    from datetime import timedelta
    from decimal import Decimal

    generate_customers(300, seed=12, orders_per_customer=3)
    invoices = list(Invoice.objects.select_related("order"))
    assert invoices
    for invoice in invoices:
        order = invoice.order
        assert invoice.issued_at == order.placed_at and invoice.amount == order.total
        assert invoice.due_on == (invoice.issued_at + timedelta(days=14)).date()
        rate = OrderLine.objects.filter(order=order).values_list("vat_rate", flat=True)[0]
        assert invoice.vat_amount == (order.total * rate / (100 + rate)).quantize(Decimal("0.01"))
    for order in Order.objects.prefetch_related("lines"):
        assert order.total == sum(line.unit_price * line.quantity for line in order.lines.all())
        assert order.delivered_at is None or order.placed_at < order.delivered_at
    for payment in Payment.objects.select_related("invoice"):
        assert payment.amount == payment.invoice.amount
        assert timedelta(0) <= payment.paid_at - payment.invoice.issued_at <= timedelta(days=3)
        assert payment.reference == "RF" + payment.invoice.number[1:]
    for customer in Customer.objects.annotate(last_order=models.Max("orders__placed_at")):
        assert customer.last_activity_at == customer.last_order
        assert customer.created_at <= customer.last_order
    returns = list(Return.objects.select_related("order"))
    assert returns
    assert all(item.customer_id == item.order.customer_id for item in returns)


def test_a_failed_load_raises_and_leaves_no_rows():
    from django.db import IntegrityError

    # The next customer number is taken: the database refuses the batch and nothing is kept.
    Customer.objects.create(customer_number="K0000002", first_name="Taken")
    with pytest.raises(IntegrityError):
        generate_customers(30, seed=13)
    assert list(Customer.objects.values_list("customer_number", flat=True)) == ["K0000002"]
    assert not Order.objects.exists() and not ConsentEvent.objects.exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a setting of SQLite")
@pytest.mark.django_db(transaction=True)
def test_a_load_outside_a_transaction_restores_sqlites_disk_sync():
    from django.db import transaction

    from customers.demo.loading import sqlite_unsynced

    def synchronous():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            return cursor.fetchone()[0]

    before = synchronous()
    with sqlite_unsynced():
        assert synchronous() == 0
        with transaction.atomic(), sqlite_unsynced():
            assert synchronous() == 0  # inside a transaction SQLite keeps the setting it has
    assert synchronous() == before != 0
    generate_customers(20, seed=14)
    assert synchronous() == before
    assert Customer.objects.count() == 20


def test_demo_stamps_name_the_moment_as_the_database_stores_it():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from customers.demo.loading import Formats

    moment = int(datetime(2024, 7, 1, 0, 30, 5, tzinfo=UTC).timestamp())
    stamp = Formats("executemany", 20_000).stamp(moment)
    if connection.vendor == "sqlite":
        assert stamp == connection.ops.adapt_datetimefield_value(datetime.fromtimestamp(moment, UTC))
    else:
        assert stamp == "2024-07-01 00:30:05+00"
    # A SQLite database kept in another time zone stores local time.
    helsinki = Formats.zoned_stamp(ZoneInfo("Europe/Helsinki"))
    assert helsinki(moment) == "2024-07-01 03:30:05"
    assert helsinki(moment - 92 * 86400) == "2024-03-31 02:30:05"  # before summer time began that night
