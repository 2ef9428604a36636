"""Shopify webhooks: HMAC over the raw body (401 otherwise), shop and topic checks, event-id
de-duplication, and the three mandatory privacy topics filing the right requests."""

import pytest

from api.models import FiledRequest, Integration, WebhookDelivery
from api.webhooks import sign
from customers.models import Customer, Order
from requests.models import Request
from tests.api.conftest import fixture_bytes
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
SECRET = "shpss_0123456789abcdef0123456789abcdef"
SHOP = "testbutik.myshopify.com"


@pytest.fixture
def shop(db):
    return Integration.objects.create(
        name="Shopify", kind=Integration.Kind.SHOPIFY, secret=SECRET, shop_domain=SHOP
    )


def deliver(client, shop, topic, body: bytes, *, event_id="evt-1", hmac=None, shop_domain=SHOP, **headers):
    headers.setdefault("HTTP_X_SHOPIFY_WEBHOOK_ID", f"whk-{event_id}")
    return client.post(
        shop.get_webhook_path(),
        body,
        content_type="application/json",
        HTTP_X_SHOPIFY_TOPIC=topic,
        HTTP_X_SHOPIFY_SHOP_DOMAIN=shop_domain,
        HTTP_X_SHOPIFY_HMAC_SHA256=sign(SECRET, body) if hmac is None else hmac,
        HTTP_X_SHOPIFY_API_VERSION="2025-07",
        **({"HTTP_X_SHOPIFY_EVENT_ID": event_id} if event_id else {}),
        **headers,
    )


def test_a_customer_is_created_from_a_signed_delivery(client, shop):
    response = deliver(client, shop, "customers/create", fixture_bytes("shopify_customer.json"))
    assert response.status_code == 200, response.content
    customer = Customer.objects.get(external_id="706405506930370084")
    assert (customer.email, customer.country, customer.city) == ("bob.biller@example.com", "SE", "Stockholm")


@pytest.mark.parametrize("hmac", ["", "AAAA", sign("another-secret", b"{}")])
def test_a_bad_or_missing_hmac_gets_401(client, shop, hmac):
    response = deliver(client, shop, "customers/create", fixture_bytes("shopify_customer.json"), hmac=hmac)
    assert response.status_code == 401
    assert not Customer.objects.exists()
    assert WebhookDelivery.objects.get().outcome == "bad_signature"


def test_another_shop_or_an_unknown_topic_is_refused(client, shop):
    body = fixture_bytes("shopify_customer.json")
    assert (
        deliver(client, shop, "customers/create", body, shop_domain="other.myshopify.com").status_code == 401
    )
    assert deliver(client, shop, "products/create", body, event_id="evt-2").status_code == 401
    assert not Customer.objects.exists()


def test_a_replayed_event_is_processed_once(client, shop):
    body = fixture_bytes("shopify_customers_data_request.json")
    assert deliver(client, shop, "customers/data_request", body).status_code == 200
    assert deliver(client, shop, "customers/data_request", body).status_code == 200
    assert Request.objects.count() == 1
    assert WebhookDelivery.objects.filter(outcome="duplicate").count() == 1


def test_without_an_event_id_the_webhook_id_decides(client, shop):
    body = fixture_bytes("shopify_customers_data_request.json")
    deliver(client, shop, "customers/data_request", body, event_id="", HTTP_X_SHOPIFY_WEBHOOK_ID="w-1")
    deliver(client, shop, "customers/data_request", body, event_id="", HTTP_X_SHOPIFY_WEBHOOK_ID="w-1")
    assert Request.objects.count() == 1


def test_data_request_files_an_access_request_verified_by_the_shop_account(client, shop):
    customer = make_customer(external_id="706405506930370084", email="bob.biller@example.com")
    assert (
        deliver(
            client, shop, "customers/data_request", fixture_bytes("shopify_customers_data_request.json")
        ).status_code
        == 200
    )
    req = Request.objects.get()
    assert (req.kind, req.status, req.received_via) == ("access", "verified", "shop")
    assert req.verification_method == Request.VerificationMethod.CUSTOMER_ACCOUNT
    assert list(req.customers.all()) == [customer]
    assert "299938" in req.message
    assert FiledRequest.objects.get(request=req).integration == shop
    assert {h.history_change_reason for h in req.history.all()} == {f"webhook {shop.slug}"}


def test_customer_redact_files_an_erasure_request_naming_the_orders(client, shop):
    customer = make_customer(external_id="706405506930370084", email="bob.biller@example.com")
    assert (
        deliver(client, shop, "customers/redact", fixture_bytes("shopify_customers_redact.json")).status_code
        == 200
    )
    req = Request.objects.get()
    assert (req.kind, req.received_via, req.customer_number) == ("erasure", "shop", customer.customer_number)
    assert all(number in req.message for number in ("299938", "280263", "220458"))
    customer.refresh_from_db()
    assert customer.erased_at is None  # staff erase; nothing happens silently


def test_shop_redact_files_a_request_for_the_dpo(client, shop, dpo):
    assert deliver(client, shop, "shop/redact", fixture_bytes("shopify_shop_redact.json")).status_code == 200
    req = Request.objects.get()
    assert (req.kind, req.name, req.assignee) == ("erasure", SHOP, dpo)
    assert SHOP in req.message


def test_a_privacy_body_naming_another_shop_is_malformed_and_kept(client, shop):
    body = fixture_bytes("shopify_shop_redact.json").replace(SHOP.encode(), b"other.myshopify.com")
    assert deliver(client, shop, "shop/redact", body).status_code == 400
    assert not Request.objects.exists()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.outcome, delivery.body) == ("malformed", body.decode())


def test_an_order_arrives_with_its_customer_and_lines(client, shop):
    response = deliver(client, shop, "orders/create", fixture_bytes("shopify_order.json"))
    assert response.status_code == 200, response.content
    order = Order.objects.get(number="#1001")
    assert (order.status, order.currency, str(order.total)) == ("paid", "SEK", "398.00")
    assert order.customer.external_id == "706405506930370084"
    assert list(order.lines.values_list("product_name", "quantity")) == [("Aviator sunglasses", 2)]
