"""Signed unsubscribe links for marketing messages (GDPR Art. 7(3), 21(5); RFC 8058 one-click).

The token signs the customer's primary key and the purpose code; no email or name is in the URL.
Links do not expire: a withdrawal must stay as easy as the consent was, even from an old message.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from customers.models import ConsentPurpose, Customer

SALT = "customers.unsubscribe"


def make_unsubscribe_token(customer: Customer, purpose: ConsentPurpose | str) -> str:
    """Return the signed token naming the customer and purpose."""
    code = purpose.code if isinstance(purpose, ConsentPurpose) else purpose
    # A plain (untimed) signature: the link never expires, and the same customer and purpose
    # always give the same link.
    return signing.Signer(salt=SALT).sign_object([customer.pk, code])


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """Return (customer pk, purpose code); raise signing.BadSignature for a forged or damaged token."""
    value = signing.Signer(salt=SALT).unsign_object(token)
    if not (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], int)
        and isinstance(value[1], str)
    ):
        raise signing.BadSignature("unexpected token payload")
    return value[0], value[1]


def unsubscribe_url(customer: Customer, purpose: ConsentPurpose | str) -> str:
    """Return the absolute unsubscribe URL (settings.SITE_URL) in the customer's language."""
    token = make_unsubscribe_token(customer, purpose)
    language = customer.language if customer.language in settings.LANGUAGE_CODES else settings.LANGUAGE_CODE
    with translation.override(language):
        path = reverse("customers:unsubscribe", args=[token])
    return settings.SITE_URL + path


def list_unsubscribe_headers(customer: Customer, purpose: ConsentPurpose | str) -> dict[str, str]:
    """Return the List-Unsubscribe and List-Unsubscribe-Post headers for a marketing email (RFC 8058)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(customer, purpose)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
