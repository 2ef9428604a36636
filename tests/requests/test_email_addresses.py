"""Email addresses on the request forms: refused at the form when they cannot be stored or sent.

Found by testing: an address whose case-folded form grows past 254 characters ("ß" becomes "ss")
failed with a database error on PostgreSQL, and a domain part that grows past 63 characters when
converted for sending (IDNA) failed only when the mail was sent.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from register.email_address import EmailAddressValidator
from requests.forms import email_rate_key
from requests.models import Request

pytestmark = pytest.mark.django_db

TOO_LONG = EmailAddressValidator.too_long_message
DOMAIN_TOO_LONG = EmailAddressValidator.domain_too_long_message

# 235 characters as typed, 455 once "ß" is case-folded to "ss"; each part is 40 characters when sent.
GROWS_PAST_254 = "a@" + ".".join(["ß" * 20] * 11) + ".se"
# 63 characters as typed, more than 63 in the ASCII form mail is sent with.
DOMAIN_PARTS_TOO_LONG = ["anna@" + "ä" * 63 + ".se", "anna@" + "ß" * 40 + ".de", "anna@" + "ö" * 60 + "x.fi"]


def post_form(client, email, language="en"):
    with translation.override(language):
        url = reverse("requests:new")
    return client.post(url, {"kind": "access", "email": email, "name": "Anna"}, REMOTE_ADDR="192.0.2.1")


def email_errors(response) -> list[str]:
    return response.context["form"].errors.get("email", [])


def test_an_address_that_grows_past_254_characters_when_case_folded_is_refused(client):
    assert len(GROWS_PAST_254) <= 254
    response = post_form(client, GROWS_PAST_254)
    assert response.status_code == 200
    assert email_errors(response) == [str(TOO_LONG)]
    assert not Request.objects.exists()


@pytest.mark.parametrize("email", DOMAIN_PARTS_TOO_LONG, ids=["a-umlaut", "sharp-s", "o-umlaut"])
def test_a_domain_part_too_long_to_send_to_is_refused_at_the_form(client, email):
    response = post_form(client, email)
    assert response.status_code == 200
    assert email_errors(response) == [str(DOMAIN_TOO_LONG)]
    assert not Request.objects.exists()


@pytest.mark.parametrize("language", ["sv", "fi", "nb"])
def test_the_refusals_are_in_the_customers_language(client, language):
    with translation.override("en"):
        english = [str(DOMAIN_TOO_LONG), str(TOO_LONG)]
    with translation.override(language):
        translated = [str(DOMAIN_TOO_LONG), str(TOO_LONG)]
    assert translated[0] != english[0] and translated[1] != english[1]
    assert email_errors(post_form(client, DOMAIN_PARTS_TOO_LONG[0], language)) == [translated[0]]
    assert email_errors(post_form(client, GROWS_PAST_254, language)) == [translated[1]]


def test_a_domain_part_of_63_characters_when_sent_is_accepted(client):
    response = post_form(client, "anna@" + "a" * 63 + ".se")
    assert response.status_code == 302
    assert Request.objects.get().email == "anna@" + "a" * 63 + ".se"


def test_invisible_characters_are_removed_from_the_address_mail_goes_to(client):
    response = post_form(client, "\u200banna@exa\u200dmple.org\u202e\x00")
    assert response.status_code == 302
    assert Request.objects.get().email == "anna@example.org"


def test_staff_adding_a_request_get_the_same_refusals(dpo_client):
    data = {
        "kind": "access",
        "received_via": "letter",
        "received_at_0": "2025-01-31",
        "received_at_1": "10:00:00",
        "language": "fi",
        "name": "Anna",
        "withdrawal_purposes": "[]",
    }
    for email, message in [(GROWS_PAST_254, TOO_LONG), (DOMAIN_PARTS_TOO_LONG[0], DOMAIN_TOO_LONG)]:
        response = dpo_client.post(reverse("admin:requests_request_add"), {**data, "email": email})
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["email"] == [str(message)]
    assert not Request.objects.exists()


VARIANTS = {
    "anna@example.org",
    "Anna@Example.org",
    "ANNA@EXAMPLE.ORG",
    " anna@example.org\t",
    "\u200banna@example.org",
    "anna\u200c@example.org",
    "anna@exa\u200dmple.org",
    "anna@example.org\u2060",
    "\ufeffanna@example.org",
    "anna@exam\u00adple.org",
    "\u202eanna@example.org",
    "anna@ｅxample.org",
    "anna@example.org.",
    "anna@example.org\x00",
    "anna@EXAMPLE.org\x07",
    "anna@ｅｘａｍｐｌｅ．ｏｒｇ",
}


def test_every_way_of_typing_one_address_has_one_rate_limit_key():
    assert len(VARIANTS) == 16
    assert {email_rate_key(v) for v in VARIANTS} == {"anna@example.org"}
    assert email_rate_key("anna@bücher.example") == email_rate_key("ANNA@xn--bcher-kva.example")
    assert email_rate_key("anna@example.org") != email_rate_key("anne@example.org")
