"""API keys: only a hash stored, 401 for a wrong, missing or revoked key, 403 without the scope, 429."""

import pytest

from api.models import ApiKey, hash_key
from tests.api.conftest import make_key

pytestmark = pytest.mark.django_db
CUSTOMER = {"external_id": "1001", "email": "maja@example.com", "first_name": "Maja"}


def test_only_a_hash_of_the_key_is_stored(api_key):
    key, secret = api_key
    key.refresh_from_db()
    assert secret.startswith(key.prefix + "_")
    assert key.key_hash == hash_key(secret)
    stored = [str(v) for v in ApiKey.objects.values_list(flat=False).get(pk=key.pk)]
    assert not any(secret in value for value in stored)


def test_a_valid_key_is_accepted_and_its_use_noted(api_call, api_key):
    key, secret = api_key
    response = api_call("POST", "/api/v1/customers/", CUSTOMER, key=secret)
    assert response.status_code == 201
    key.refresh_from_db()
    assert key.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [None, "Bearer kr_00000000_wrong", "Bearer nonsense", "Token abc", "Bearer"],
)
def test_a_missing_or_wrong_key_gets_401(client, api_key, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.post("/api/v1/customers/", CUSTOMER, content_type="application/json", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_right_prefix_with_a_wrong_secret_gets_401(api_call, api_key):
    key, secret = api_key
    assert api_call("POST", "/api/v1/customers/", CUSTOMER, key=secret[:-2] + "xx").status_code == 401


def test_a_revoked_key_gets_401(api_call, api_key):
    key, secret = api_key
    assert key.revoke()
    assert not key.revoke()
    assert api_call("POST", "/api/v1/customers/", CUSTOMER, key=secret).status_code == 401


def test_a_key_without_the_scope_gets_403_and_writes_nothing(api_call, db):
    from customers.models import Customer

    _key, secret = make_key(scopes=["marketing:read"])
    response = api_call("POST", "/api/v1/customers/", CUSTOMER, key=secret)
    assert response.status_code == 403
    assert not Customer.objects.exists()


def test_each_key_has_its_own_rate_limit(api_call, api_key, settings):
    settings.API_RATE_LIMIT = "2/minute"
    _key, secret = api_key
    _other, other_secret = make_key(name="Other shop")
    headers = {"HTTP_X_CUSTOMER_EMAIL": "nobody@example.com"}
    for _ in range(2):
        assert (
            api_call(
                "GET", "/api/v1/marketing/", {"purpose": "newsletter_email"}, key=secret, **headers
            ).status_code
            == 200
        )
    refused = api_call("GET", "/api/v1/marketing/", {"purpose": "newsletter_email"}, key=secret, **headers)
    assert refused.status_code == 429
    assert "Retry-After" in refused
    other = api_call(
        "GET", "/api/v1/marketing/", {"purpose": "newsletter_email"}, key=other_secret, **headers
    )
    assert other.status_code == 200
