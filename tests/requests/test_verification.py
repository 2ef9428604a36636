"""The verification link: GET only shows a button, POST verifies once, expired/forged links fail."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from requests.models import Request
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def submit(client, email="kund@example.org", language="sv", **extra):
    with translation.override(language):
        new_url = reverse("requests:new")
    data = {"kind": "access", "email": email, **extra}
    assert client.post(new_url, data).status_code == 302
    link = re.search(r"https?://[^/]+(/\S+/verify/[^/\s]+/)", mail.outbox[-1].body).group(1)
    return Request.objects.latest("id"), link


def test_get_on_link_changes_nothing(client):
    req, link = submit(client)
    response = client.get(link)
    assert response.status_code == 200
    assert b"<form" in response.content and b'method="post"' in response.content
    req.refresh_from_db()
    assert req.status == Request.Status.AWAITING_VERIFICATION
    assert req.token_used_at is None
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]


def test_post_verifies_once_and_proposes_customer_match(client):
    customer = make_customer(email="kund@example.org")
    req, link = submit(client, email="KUND@example.org")
    response = client.post(link)
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == Request.Status.VERIFIED
    assert req.verification_method == Request.VerificationMethod.EMAIL_LINK
    assert req.verified_at is not None and req.token_used_at is not None
    assert list(req.customers.all()) == [customer]
    assert req.match_confirmed_at is None
    assert req.messages.filter(template="acknowledgement").exists()

    again = client.post(link)
    assert again.status_code == 410
    assert client.get(link).status_code == 410
    req.refresh_from_db()
    assert req.status == Request.Status.VERIFIED
    assert req.events.filter(kind="verified").count() == 1


def test_unknown_person_still_gets_a_verified_request(client):
    req, link = submit(client, email="stranger@example.org")
    client.post(link)
    req.refresh_from_db()
    assert req.status == Request.Status.VERIFIED
    assert not req.customers.exists()


def test_expired_link_is_refused_and_changes_nothing(client, settings):
    settings.REQUEST_VERIFICATION_HOURS = 24
    req, link = submit(client)
    Request.objects.filter(pk=req.pk).update(token_expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(link)
    assert response.status_code == 410
    assert "har gått ut".encode() in response.content
    req.refresh_from_db()
    assert req.status == Request.Status.AWAITING_VERIFICATION


def test_link_expiry_follows_the_setting(client, settings):
    settings.REQUEST_VERIFICATION_HOURS = 2
    before = timezone.now()
    req, _link = submit(client)
    assert before + timedelta(hours=2) <= req.token_expires_at <= timezone.now() + timedelta(hours=2)


def test_forged_link_is_refused(client):
    submit(client)
    with translation.override("en"):
        forged = reverse("requests:verify", args=["not-a-real-token"])
    response = client.post(forged)
    assert response.status_code == 400
    assert b"Start again" in response.content
    assert Request.objects.get().status == Request.Status.AWAITING_VERIFICATION
    assert client.get(reverse("requests:verify", args=["x" * 500])).status_code == 400


def test_token_never_reaches_the_logs(client, caplog):
    req, link = submit(client)
    token = link.rstrip("/").rsplit("/", 1)[1]
    caplog.set_level("DEBUG")
    client.get(link)
    client.post(link)
    client.post(link)  # used: 410
    assert token not in caplog.text
