"""The DPO creates API keys (shown once), revokes them, sets up integrations and reads the delivery log."""

import pytest
from django.urls import reverse

from api.models import ApiKey, Integration, WebhookDelivery, hash_key

pytestmark = pytest.mark.django_db


def test_a_new_key_is_shown_once_and_only_its_hash_is_kept(dpo_client, dpo):
    response = dpo_client.post(
        reverse("admin:api_apikey_add"),
        {"name": "WooCommerce", "scopes": ["customers:write", "orders:write"]},
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    secret = response.context["secret"]
    assert secret.startswith(key.prefix) and secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert key.key_hash == hash_key(secret)
    assert (key.created_by, key.scopes) == (dpo, ["customers:write", "orders:write"])
    change = dpo_client.get(reverse("admin:api_apikey_change", args=[key.pk]))
    assert secret not in change.content.decode()
    assert key.prefix in change.content.decode()


def test_the_dpo_revokes_keys_with_the_action(dpo_client):
    key = ApiKey(name="Old shop", scopes=[])
    key.issue()
    key.save()
    dpo_client.post(
        reverse("admin:api_apikey_changelist"),
        {"action": "revoke", "_selected_action": [key.pk]},
        follow=True,
    )
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_customer_service_sees_no_keys_or_integrations(service_client):
    for name in (
        "api_apikey_changelist",
        "api_apikey_add",
        "api_integration_add",
        "api_webhookdelivery_changelist",
    ):
        assert service_client.get(reverse(f"admin:{name}")).status_code == 403


def test_an_integration_shows_its_address_and_never_its_secret(dpo_client):
    response = dpo_client.post(
        reverse("admin:api_integration_add"),
        {
            "name": "Shopify",
            "kind": "shopify",
            "shop_domain": "Testbutik.myshopify.com",
            "secret": "s" * 32,
            "active": "on",
        },
    )
    assert response.status_code == 302
    shop = Integration.objects.get()
    assert (shop.secret, shop.shop_domain) == ("s" * 32, "testbutik.myshopify.com")
    page = dpo_client.get(reverse("admin:api_integration_change", args=[shop.pk])).content.decode()
    assert shop.get_webhook_path() in page
    assert "s" * 32 not in page
    # Saving without typing the secret again keeps it.
    dpo_client.post(
        reverse("admin:api_integration_change", args=[shop.pk]),
        {
            "name": "Shopify SE",
            "kind": "shopify",
            "shop_domain": shop.shop_domain,
            "secret": "",
            "active": "on",
        },
    )
    shop.refresh_from_db()
    assert (shop.name, shop.secret) == ("Shopify SE", "s" * 32)


def test_a_short_secret_is_refused(dpo_client):
    response = dpo_client.post(
        reverse("admin:api_integration_add"),
        {"name": "Shop", "kind": "woocommerce", "shop_domain": "", "secret": "short", "active": "on"},
    )
    assert response.status_code == 200
    assert not Integration.objects.exists()


def test_the_dpo_reads_the_delivery_log(dpo_client):
    shop = Integration.objects.create(name="Shop", kind="woocommerce", secret="x" * 20)
    delivery = WebhookDelivery.objects.create(
        integration=shop, topic="customer.created", outcome="malformed", body='{"id": 1'
    )
    page = dpo_client.get(reverse("admin:api_webhookdelivery_change", args=[delivery.pk]))
    assert page.status_code == 200
    assert "{&quot;id&quot;: 1" in page.content.decode()
