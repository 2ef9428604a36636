import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

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


def test_customer_demo_data_records_consents_under_the_notice_in_force_and_adds_no_requests():
    from register.models import NoticeVersion
    from requests.models import Request

    call_command("load_example_register", "jalonom", verbosity=0)
    generate_customers(50, seed=2)

    assert Customer.objects.count() == 50
    notice_numbers = set(ConsentEvent.objects.values_list("notice_version", flat=True))
    assert notice_numbers == {NoticeVersion.objects.current().number}
    assert not Request.objects.exists()


def test_generate_demo_data_refuses_a_negative_count():
    with pytest.raises(CommandError):
        call_command("generate_demo_data", customers=-1, verbosity=0)
