"""WooCommerce webhooks: signature over the raw bytes, the unsigned ping, de-duplication, deletions."""

import json

import pytest

from api.models import Integration, WebhookDelivery
from api.webhooks import sign
from customers.models import Customer, Invoice, Order
from requests.models import Request
from tests.api.conftest import fixture_bytes

pytestmark = pytest.mark.django_db
SECRET = "wc-secret-0123456789abcdef"


@pytest.fixture
def shop(db):
    return Integration.objects.create(
        name="Shop", kind=Integration.Kind.WOOCOMMERCE, secret=SECRET, shop_domain="shop.example.fi"
    )


def deliver(client, shop, topic, body: bytes, *, delivery_id="1d2c3b", signature=None, **headers):
    headers.setdefault("HTTP_X_WC_WEBHOOK_SOURCE", "https://shop.example.fi/")
    return client.post(
        shop.get_webhook_path(),
        body,
        content_type="application/json",
        HTTP_X_WC_WEBHOOK_TOPIC=topic,
        HTTP_X_WC_WEBHOOK_RESOURCE=topic.split(".")[0],
        HTTP_X_WC_WEBHOOK_EVENT=topic.split(".")[1],
        HTTP_X_WC_WEBHOOK_DELIVERY_ID=delivery_id,
        HTTP_X_WC_WEBHOOK_SIGNATURE=sign(SECRET, body) if signature is None else signature,
        **headers,
    )


def test_the_address_names_the_integration_by_slug_never_by_secret(shop):
    path = shop.get_webhook_path()
    assert path == f"/api/v1/webhooks/woocommerce/{shop.slug}/"
    assert SECRET not in path


def test_the_signature_is_checked_over_the_raw_bytes_with_escaped_slashes(client, shop):
    body = fixture_bytes("woocommerce_customer.json")
    assert b"https:\\/\\/" in body
    response = deliver(client, shop, "customer.created", body)
    assert response.status_code == 200, response.content
    customer = Customer.objects.get(external_id="25")
    assert (customer.email, customer.city, customer.phone) == (
        "maja.virtanen@example.com",
        "Vasa",
        "040 123 4567",
    )
    assert customer.history.get().history_change_reason == f"webhook {shop.slug}"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.topic, delivery.outcome, delivery.body) == ("customer.created", "processed", "")


def test_a_signature_over_reserialised_json_is_refused(client, shop):
    body = fixture_bytes("woocommerce_customer.json")
    reserialised = json.dumps(json.loads(body), separators=(",", ":")).encode()
    response = deliver(client, shop, "customer.created", body, signature=sign(SECRET, reserialised))
    assert response.status_code == 401
    assert not Customer.objects.exists()


@pytest.mark.parametrize("signature", ["", "bm9wZQ==", sign("another-secret-0123456789", b"{}")])
def test_a_bad_or_missing_signature_gets_401_and_is_logged(client, shop, signature):
    body = fixture_bytes("woocommerce_customer.json")
    response = deliver(client, shop, "customer.created", body, signature=signature)
    assert response.status_code == 401
    assert not Customer.objects.exists()
    assert WebhookDelivery.objects.get().outcome == WebhookDelivery.Outcome.BAD_SIGNATURE


def test_the_unsigned_ping_gets_200_and_writes_nothing(client, shop):
    response = client.post(
        shop.get_webhook_path(), "webhook_id=12", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not WebhookDelivery.objects.exists()
    assert not Customer.objects.exists()


def test_a_replayed_delivery_is_processed_once(client, shop):
    body = fixture_bytes("woocommerce_customer.json")
    assert deliver(client, shop, "customer.created", body).status_code == 200
    Customer.objects.update(first_name="Changed by staff")
    replay = deliver(client, shop, "customer.created", body)
    assert replay.status_code == 200
    assert Customer.objects.get().first_name == "Changed by staff"
    assert list(WebhookDelivery.objects.order_by("id").values_list("outcome", flat=True)) == [
        "processed",
        "duplicate",
    ]


def test_two_deliveries_sharing_an_id_within_a_second_are_both_processed(client, shop):
    body = fixture_bytes("woocommerce_customer.json")
    deliver(client, shop, "customer.created", body, delivery_id="same")
    changed = body.replace(b'"city":"Vasa"', b'"city":"Oulu"', 1)
    assert deliver(client, shop, "customer.updated", changed, delivery_id="same").status_code == 200
    assert Customer.objects.get().city == "Oulu"


def test_an_order_arrives_with_its_lines_and_payment(client, shop):
    deliver(client, shop, "customer.created", fixture_bytes("woocommerce_customer.json"), delivery_id="a")
    response = deliver(
        client, shop, "order.created", fixture_bytes("woocommerce_order.json"), delivery_id="b"
    )
    assert response.status_code == 200, response.content
    order = Order.objects.get(number="727")
    assert order.customer.external_id == "25"
    assert (order.status, str(order.total)) == ("paid", "52.50")
    assert list(order.lines.values_list("sku", "quantity")) == [("TEA-100", 2), ("", 1)]
    assert Invoice.objects.get(order=order).payments.count() == 1


def test_a_deleted_customer_files_an_erasure_request_and_erases_nothing(client, shop):
    deliver(client, shop, "customer.created", fixture_bytes("woocommerce_customer.json"), delivery_id="a")
    body = fixture_bytes("woocommerce_customer_deleted.json")
    assert deliver(client, shop, "customer.deleted", body, delivery_id="b").status_code == 200
    req = Request.objects.get()
    assert (req.kind, req.received_via, req.email) == ("erasure", "shop", "maja.virtanen@example.com")
    assert Customer.objects.get().erased_at is None


def test_a_malformed_body_gets_400_is_kept_for_staff_and_writes_nothing(client, shop):
    body = b'{"id": 26, "email": "half'
    assert deliver(client, shop, "customer.created", body).status_code == 400
    wrong = b'{"id": 27, "email": "not-an-email"}'
    assert deliver(client, shop, "customer.created", wrong, delivery_id="x").status_code == 400
    assert not Customer.objects.exists()
    kept = list(WebhookDelivery.objects.order_by("id").values_list("outcome", "body"))
    assert kept == [("malformed", body.decode()), ("malformed", wrong.decode())]


def test_a_delivery_from_another_shop_is_refused(client, shop):
    body = fixture_bytes("woocommerce_customer.json")
    response = deliver(
        client, shop, "customer.created", body, HTTP_X_WC_WEBHOOK_SOURCE="https://evil.example/"
    )
    assert response.status_code == 401
    assert not Customer.objects.exists()


def test_an_inactive_or_unknown_integration_is_not_found(client, shop):
    body = fixture_bytes("woocommerce_customer.json")
    Integration.objects.filter(pk=shop.pk).update(active=False)
    assert deliver(client, shop, "customer.created", body).status_code == 404
    assert (
        client.post(
            "/api/v1/webhooks/woocommerce/nosuchslug/", body, content_type="application/json"
        ).status_code
        == 404
    )


def test_unsigned_deliveries_cannot_flood_the_log(client, shop):
    body = fixture_bytes("woocommerce_customer.json")
    for _ in range(5):
        assert deliver(client, shop, "customer.created", body, signature="x").status_code == 401
    assert WebhookDelivery.objects.filter(outcome="bad_signature").count() == 1
