"""The public request form: no enumeration, honeypot, hostile input, email in the right language."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from requests.models import Request
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
NONCE = re.compile(r"nonce-[A-Za-z0-9+/=]+")
CSP_NONCE = re.compile(rb'nonce="[A-Za-z0-9+/=]+"')


def form_data(**extra):
    data = {"kind": "access", "email": "someone@example.org", "name": "Anna", "message": "Please"}
    data.update(extra)
    return data


def url(name: str, language: str = "sv", *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def submit_and_follow(client, email: str):
    client.get(url("requests:new"))
    first = client.post(url("requests:new"), form_data(email=email))
    second = client.get(first["Location"])
    return first, second


def comparable(response) -> tuple:
    """The response without what is random in each: CSRF tokens and the CSP nonce."""
    headers = {k: NONCE.sub("nonce-N", v) for k, v in response.headers.items() if k.lower() != "set-cookie"}
    cookies = sorted(response.cookies.keys())
    content = CSP_NONCE.sub(b'nonce="N"', CSRF.sub(b"CSRF", response.content))
    return response.status_code, headers, cookies, content


def test_known_and_unknown_emails_get_identical_responses(client, django_user_model):
    from django.test import Client

    make_customer(email="known@example.org")
    known = submit_and_follow(Client(), "known@example.org")
    unknown = submit_and_follow(Client(), "nobody@example.org")
    assert known[0].status_code == 302
    assert comparable(known[0]) == comparable(unknown[0])
    assert known[1].status_code == 200
    assert comparable(known[1]) == comparable(unknown[1])
    # Both get a verification email; neither is matched to a customer before verification.
    assert len(mail.outbox) == 2
    assert all(not r.customers.exists() for r in Request.objects.all())


def test_submission_creates_unverified_request_and_emails_link_in_submitters_language(client):
    response = client.post(url("requests:new", "fi"), form_data(email="Anna@Example.ORG"))
    assert response.status_code == 302
    req = Request.objects.get()
    assert req.status == Request.Status.AWAITING_VERIFICATION
    assert req.email_normalized == "anna@example.org"
    assert req.language == "fi"
    assert req.received_via == Request.Channel.WEB_FORM
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "/fi/requests/verify/" in body
    assert "Hei" in body
    token = re.search(r"/verify/([^/]+)/", body).group(1)
    # Only the hash is stored.
    assert token not in (req.token_hash or "")
    assert req.token_hash and len(req.token_hash) == 64


def test_honeypot_submission_looks_successful_but_stores_nothing(client):
    response = client.post(url("requests:new"), form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert not Request.objects.exists()
    assert not mail.outbox


def test_rectification_needs_what_is_wrong(client):
    response = client.post(url("requests:new"), form_data(kind="rectification", message=""))
    assert response.status_code == 200
    assert not Request.objects.exists()


def test_withdrawal_stores_chosen_purposes(client):
    from customers.models import ConsentPurpose

    codes = list(ConsentPurpose.objects.values_list("code", flat=True)[:2])
    if not codes:
        pytest.skip("no consent purposes defined")
    client.post(url("requests:new"), form_data(kind="withdrawal", withdrawal_purposes=codes))
    assert Request.objects.get().withdrawal_purposes == codes


HOSTILE = [
    "x" * 100_000,
    "null\x00byte",
    "bell\x07 and escape\x1b[31m",
    "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "\u202eRTL override \u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd",
    "emoji 😀🎉👨‍👩‍👧",
    "Nordic å ä ö ø æ õ š ž Å Ä Ö Ø Æ Õ Š Ž",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_never_gives_500(client, text):
    response = client.post(url("requests:new"), form_data(name=text[:5000], message=text))
    assert response.status_code in (200, 302)
    if len(text) > 5000:
        assert response.status_code == 200
        assert not Request.objects.exists()
    else:
        req = Request.objects.get()
        assert "\x00" not in req.message and "\x1b" not in req.message and "\x07" not in req.message


def test_hostile_email_field_never_gives_500(client):
    for email in ["a\x00@example.org", "<script>@x", "å@ä.ö" * 100, "😀@example.org"]:
        response = client.post(url("requests:new"), form_data(email=email))
        assert response.status_code in (200, 302)


def test_hostile_input_is_escaped_in_admin(dpo_client):
    payload = "<script>alert('x')</script> å ä ö ø æ õ š ž 😀 \u0645\u0631\u062d\u0628\u0627"
    from django.test import Client

    Client().post(url("requests:new"), form_data(name=payload, message=payload))
    req = Request.objects.get()
    req.verify(by=None, method=Request.VerificationMethod.OTHER, note="test")
    for page in (
        reverse("admin:requests_request_changelist"),
        reverse("admin:requests_request_change", args=[req.pk]),
    ):
        response = dpo_client.get(page + ("?status=all" if "change" not in page[-8:] else ""))
        assert response.status_code == 200
        assert b"<script>alert('x')</script>" not in response.content
    change = dpo_client.get(reverse("admin:requests_request_change", args=[req.pk]))
    assert "&lt;script&gt;" in change.content.decode()
    assert "å ä ö ø æ õ š ž" in change.content.decode()


@pytest.mark.parametrize("language", ["sv", "fi", "nb", "en"])
def test_pages_exist_in_every_language(client, language):
    for name in ("requests:rights", "requests:new", "requests:sent"):
        response = client.get(url(name, language))
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()
