"""Rate limits on the public form: per client address and per email, 429 over the limit."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from requests import ratelimit
from requests.models import Request

pytestmark = pytest.mark.django_db


def new_url(language="sv"):
    with translation.override(language):
        return reverse("requests:new")


def post(client, email, language="sv", address="198.51.100.7"):
    return client.post(new_url(language), {"kind": "access", "email": email}, REMOTE_ADDR=address)


@pytest.fixture
def limit(settings):
    settings.REQUEST_RATE_LIMIT = 3
    settings.REQUEST_RATE_WINDOW_SECONDS = 3600
    return 3


@pytest.fixture
def clock(monkeypatch):
    """Move the rate limiter's clock without sleeping."""
    now = {"t": 1_700_000_000.0}
    monkeypatch.setattr(ratelimit.time, "time", lambda: now["t"])
    return now


def test_per_address_limit_answers_429_then_recovers_after_the_window(client, limit, clock):
    for n in range(limit):
        assert post(client, f"p{n}@example.org").status_code == 302
    response = post(client, "another@example.org")
    assert response.status_code == 429
    assert "För många förfrågningar" in response.content.decode()
    assert Request.objects.count() == limit

    clock["t"] += 3600
    assert post(client, "after@example.org").status_code == 302
    assert Request.objects.count() == limit + 1


def test_per_email_limit_applies_across_addresses(limit, clock):
    for n in range(limit):
        assert post(Client(), "Same@Example.org", address=f"203.0.113.{n}").status_code == 302
    response = post(Client(), "same@example.org ", language="fi", address="203.0.113.99")
    assert response.status_code == 429
    assert "Liian monta pyyntöä" in response.content.decode()


def test_cache_keys_hold_no_raw_email(limit, clock):
    from django.core.cache import cache

    post(Client(), "secret.person@example.org")
    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys
    assert not any("secret.person" in key for key in keys)
    assert not any("198.51.100.7" in key for key in keys)


def test_behind_a_proxy_the_appended_forwarded_address_is_counted(settings, limit, clock):
    settings.USE_X_FORWARDED_FOR = True
    proxy = "10.0.0.1"

    def via_proxy(email, client_ip, forged=""):
        forwarded = f"{forged}, {client_ip}" if forged else client_ip
        return Client().post(
            new_url(), {"kind": "access", "email": email}, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded
        )

    for n in range(limit):
        assert via_proxy(f"a{n}@example.org", "192.0.2.10", forged=f"198.51.100.{n}").status_code == 302
    # The same client is limited however it forges the left part of the header...
    assert via_proxy("b@example.org", "192.0.2.10", forged="198.51.100.200").status_code == 429
    # ...while another client behind the same proxy is not.
    assert via_proxy("c@example.org", "192.0.2.11").status_code == 302


def test_sixteen_ways_of_typing_one_address_count_as_one(limit, clock):
    from tests.requests.test_email_addresses import VARIANTS

    statuses = [
        post(Client(), email, address=f"203.0.113.{n}").status_code
        for n, email in enumerate(sorted(VARIANTS))
    ]
    assert statuses == [302] * limit + [429] * (len(VARIANTS) - limit)
    assert {req.email_normalized for req in Request.objects.all()} <= {
        "anna@example.org",
        "anna@ｅxample.org",
    }
    assert Request.objects.count() == limit
