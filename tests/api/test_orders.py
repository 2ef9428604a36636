"""Upserting orders with lines, invoice, payments and the selling controller; the batch endpoint."""

from decimal import Decimal

import pytest

from customers.models import Customer, Invoice, Order, OrderLine, Payment, Return
from register.models import Controller
from tests.factories import make_complete_register, make_customer, make_return

pytestmark = pytest.mark.django_db


def order_data(number="1001", external_id="C-1", **extra):
    return {
        "number": number,
        "customer": {"external_id": external_id},
        "status": "paid",
        "placed_at": "2026-03-01T10:00:00+02:00",
        "total": "59.80",
        "currency": "eur",
        "delivery_name": "Maja Virtanen",
        "delivery_city": "Vasa",
        "delivery_country": "fi",
        "lines": [
            {"sku": "TEA-1", "product_name": "Green tea", "quantity": 2, "unit_price": "19.90"},
            {"product_name": "Teapot", "quantity": 1, "unit_price": "20.00", "vat_rate": "25.5"},
        ],
        "invoice": {
            "number": f"INV-{number}",
            "amount": "59.80",
            "vat_amount": "12.16",
            "payments": [{"paid_at": "2026-03-01T10:05:00+02:00", "amount": "59.80", "reference": "ch_1"}],
        },
        **extra,
    }


def test_an_order_is_created_with_lines_invoice_payment_and_main_controller(api_call, api_key):
    key, secret = api_key
    make_complete_register()
    customer = make_customer(external_id="C-1")
    response = api_call("POST", "/api/v1/orders/", order_data(), key=secret)
    assert response.status_code == 201, response.json()
    order = Order.objects.get(number="1001")
    assert (order.customer, order.status, order.currency, order.total) == (
        customer,
        "paid",
        "EUR",
        Decimal("59.80"),
    )
    assert order.controller.name == "Testbutik Oy"
    assert list(order.lines.values_list("product_name", "quantity")) == [("Green tea", 2), ("Teapot", 1)]
    invoice = Invoice.objects.get(number="INV-1001")
    assert invoice.order == order and invoice.currency == "EUR"
    assert invoice.payments.get().reference == "ch_1"
    assert order.history.get().history_change_reason == f"api key {key.prefix}"


def test_the_selling_controller_is_named_by_business_id(api_call, api_key):
    _key, secret = api_key
    register = make_complete_register()
    second = Controller.objects.create(
        register=register, name="Testbutik AB", business_id="556677-8899", country="SE", position=5
    )
    make_customer(external_id="C-1")
    response = api_call("POST", "/api/v1/orders/", order_data(controller="556677-8899"), key=secret)
    assert response.status_code == 201
    assert Order.objects.get().controller == second
    unknown = api_call("POST", "/api/v1/orders/", order_data("1002", controller="no such"), key=secret)
    assert unknown.status_code == 400
    assert "controller" in unknown.json()


def test_sending_the_same_order_again_changes_nothing(api_call, api_key):
    _key, secret = api_key
    make_customer(external_id="C-1")
    api_call("POST", "/api/v1/orders/", order_data(), key=secret)
    order = Order.objects.get()
    again = api_call("POST", "/api/v1/orders/", order_data(), key=secret)
    assert again.status_code == 200
    assert again.json()["changed"] is False
    assert order.history.count() == 1
    assert OrderLine.objects.count() == 2 and Payment.objects.count() == 1

    shipped = api_call("POST", "/api/v1/orders/", order_data(status="shipped"), key=secret)
    assert shipped.json()["changed"] is True
    assert order.history.count() == 2


def test_an_unknown_customer_or_bad_line_is_a_400_and_nothing_is_written(api_call, api_key):
    _key, secret = api_key
    response = api_call("POST", "/api/v1/orders/", order_data(external_id="nobody"), key=secret)
    assert response.status_code == 400
    assert "customer" in response.json()
    make_customer(external_id="C-1")
    bad = order_data(lines=[{"product_name": "Tea", "quantity": 0, "unit_price": "x"}])
    response = api_call("POST", "/api/v1/orders/", bad, key=secret)
    assert response.status_code == 400
    assert set(response.json()["lines"]["0"]) == {"quantity", "unit_price"}
    assert not Order.objects.exists() and not Invoice.objects.exists()


def test_an_order_needs_the_orders_scope(api_call, db):
    from tests.api.conftest import make_key

    _key, secret = make_key(scopes=["customers:write"])
    make_customer(external_id="C-1")
    assert api_call("POST", "/api/v1/orders/", order_data(), key=secret).status_code == 403


def test_an_idempotent_order_retry_writes_nothing(api_call, api_key):
    _key, secret = api_key
    make_customer(external_id="C-1")
    first = api_call("POST", "/api/v1/orders/", order_data(), key=secret, HTTP_IDEMPOTENCY_KEY="o-1")
    Order.objects.update(status="cancelled")
    retry = api_call("POST", "/api/v1/orders/", order_data(), key=secret, HTTP_IDEMPOTENCY_KEY="o-1")
    assert retry.json() == first.json()
    assert Order.objects.get().status == "cancelled"


# --- batch ---


def test_a_batch_upserts_customers_then_their_orders(api_call, api_key):
    _key, secret = api_key
    customers = [{"external_id": f"C-{n}", "email": f"c{n}@example.com"} for n in range(3)]
    orders = [order_data(f"O-{n}", external_id=f"C-{n}") for n in range(3)]
    response = api_call("POST", "/api/v1/batch/", {"customers": customers, "orders": orders}, key=secret)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [c["created"] for c in body["customers"]] == [True] * 3
    assert [o["number"] for o in body["orders"]] == ["O-0", "O-1", "O-2"]
    assert Customer.objects.count() == 3 and Order.objects.count() == 3


def test_one_bad_record_in_a_batch_names_it_and_writes_nothing(api_call, api_key):
    _key, secret = api_key
    customers = [{"external_id": "C-0", "email": "c0@example.com"}, {"external_id": "C-1", "email": "bad"}]
    response = api_call("POST", "/api/v1/batch/", {"customers": customers}, key=secret)
    assert response.status_code == 400
    assert response.json()["customers"]["1"] == {"email": ["Enter a valid email address."]}
    orders = [order_data("O-0", external_id="C-0"), order_data("O-1", external_id="missing")]
    response = api_call("POST", "/api/v1/batch/", {"customers": customers[:1], "orders": orders}, key=secret)
    assert response.status_code == 400
    assert "orders.1.customer" in response.json()
    assert not Customer.objects.exists() and not Order.objects.exists()


def test_a_batch_takes_at_most_1000_records(api_call, api_key):
    _key, secret = api_key
    customers = [{"email": f"c{n}@example.com"} for n in range(600)]
    orders = [order_data(f"O-{n}") for n in range(401)]
    response = api_call("POST", "/api/v1/batch/", {"customers": customers, "orders": orders}, key=secret)
    assert response.status_code == 400
    assert not Customer.objects.exists()


def test_orders_in_a_batch_need_the_orders_scope(api_call, db):
    from tests.api.conftest import make_key

    _key, secret = make_key(scopes=["customers:write"])
    response = api_call("POST", "/api/v1/batch/", {"customers": [], "orders": [order_data()]}, key=secret)
    assert response.status_code == 403


def test_a_batch_retry_returns_the_first_answer(api_call, api_key):
    _key, secret = api_key
    data = {"customers": [{"email": "c@example.com"}]}
    first = api_call("POST", "/api/v1/batch/", data, key=secret, HTTP_IDEMPOTENCY_KEY="b-1")
    retry = api_call("POST", "/api/v1/batch/", data, key=secret, HTTP_IDEMPOTENCY_KEY="b-1")
    assert retry.json() == first.json()
    assert Customer.objects.count() == 1


def test_a_batch_of_orders_alone_needs_only_the_orders_scope(api_call, db):
    from tests.api.conftest import make_key

    _key, secret = make_key(scopes=["orders:write"])
    make_customer(external_id="C-1")
    response = api_call("POST", "/api/v1/batch/", {"orders": [order_data()]}, key=secret)
    assert response.status_code == 200
    assert (
        api_call(
            "POST", "/api/v1/batch/", {"customers": [{"email": "a@example.com"}]}, key=secret
        ).status_code
        == 403
    )


def test_an_order_the_shop_sends_for_another_customer_takes_its_returns_along(api_call, api_key):
    _key, secret = api_key
    first, second = make_customer(external_id="C-1"), make_customer(external_id="C-2")
    assert api_call("POST", "/api/v1/orders/", order_data(), key=secret).status_code in (200, 201)
    item = make_return(Order.objects.get(number="1001"))
    assert customer_of(item) == first.pk

    moved = api_call("POST", "/api/v1/orders/", order_data(external_id="C-2"), key=secret)

    assert moved.status_code == 200 and moved.json()["changed"] is True
    assert customer_of(item) == second.pk


def customer_of(item: Return) -> int:
    return Return.objects.values_list("customer_id", flat=True).get(pk=item.pk)
