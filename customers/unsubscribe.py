"""Signed unsubscribe links for marketing messages (GDPR Art. 7(3), 21(5); RFC 8058 one-click).

The token signs the customer's primary key and the purpose code; no email or name is in the URL.
Links do not expire: a withdrawal must stay as easy as the consent was, even from an old message.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

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


def list_unsubscribe_headers(
    customer: Customer, purpose: ConsentPurpose | str, url: str | None = None
) -> dict[str, str]:
    """Return the List-Unsubscribe and List-Unsubscribe-Post headers for a marketing email (RFC 8058);
    ``url``: the customer's unsubscribe URL for the purpose, if already made."""
    return {
        "List-Unsubscribe": f"<{url or unsubscribe_url(customer, purpose)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- The marketing list for the shop's own mailer ----------------------------------------------

EXPORT_BATCH = 2000
EXPORT_HEADER = [
    "customer_number",
    "email",
    "phone",
    "first_name",
    "last_name",
    "language",
    "unsubscribe_url",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
]
ONE_CLICK = "List-Unsubscribe=One-Click"


class _LinkMaker:
    """Build unsubscribe URLs without a reverse() per customer: one URL prefix per language."""

    def __init__(self) -> None:
        self.prefixes: dict[str, str] = {}

    def url(self, customer: Customer, code: str) -> str:
        language = (
            customer.language if customer.language in settings.LANGUAGE_CODES else settings.LANGUAGE_CODE
        )
        prefix = self.prefixes.get(language)
        if prefix is None:
            with translation.override(language):
                path = reverse("customers:unsubscribe", args=["-"])
            # The token's characters (URL-safe base64 and ":") are kept as they are by reverse().
            prefix = self.prefixes[language] = settings.SITE_URL + path[: -len("-/")]
        return f"{prefix}{make_unsubscribe_token(customer, code)}/"


def marketing_rows(purpose: ConsentPurpose | str) -> Iterator[list[str]]:
    """Yield the header, then one row per customer who may be marketed to for ``purpose``.

    Each row has the customer's contacts, their unsubscribe URL and the two RFC 8058 header values.
    Bounded memory at any size: the customers are read in batches of ``EXPORT_BATCH`` by primary key
    (keyset pagination, no server-side cursor), each batch one ``marketable`` query.
    """
    code = purpose.code if isinstance(purpose, ConsentPurpose) else purpose
    links = _LinkMaker()
    yield EXPORT_HEADER
    last = 0
    fields = ("id", "customer_number", "email", "phone", "first_name", "last_name", "language")
    while True:
        batch = list(
            Customer.objects.marketable(code).filter(pk__gt=last).order_by("pk").only(*fields)[:EXPORT_BATCH]
        )
        if not batch:
            return
        for customer in batch:
            url = links.url(customer, code)
            yield [
                customer.customer_number,
                customer.email,
                customer.phone,
                _safe_cell(customer.first_name),
                _safe_cell(customer.last_name),
                customer.language,
                url,
                f"<{url}>",
                ONE_CLICK,
            ]
        last = batch[-1].pk


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer over a stream."""

    def write(self, value: str) -> str:
        return value


def marketing_csv_lines(purpose: ConsentPurpose | str) -> Iterator[str]:
    """Yield the marketing list for ``purpose`` as CSV text, one line at a time."""
    writer = csv.writer(_Echo())
    for row in marketing_rows(purpose):
        yield writer.writerow(row)


def _safe_cell(value: str) -> str:
    # A name starting with =, +, - or @ is a formula to a spreadsheet (CSV injection). Phone numbers
    # (+46...), addresses and URLs are written as they are: the mailer needs them exact.
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def customer_links(
    customer: Customer, purposes: Iterable[ConsentPurpose] | None = None
) -> list[dict[str, str]]:
    """The customer's unsubscribe link and headers for every marketing purpose (for staff).

    ``purposes``: every purpose, already read (the marketing ones are picked out); by default read here.
    """
    if purposes is None:
        purposes = ConsentPurpose.objects.filter(is_marketing=True)
    links = []
    for purpose in sorted((p for p in purposes if p.is_marketing), key=lambda p: p.code):
        url = unsubscribe_url(customer, purpose)
        headers = list_unsubscribe_headers(customer, purpose, url)
        links.append(
            {
                "purpose": purpose,
                "url": url,
                "list_unsubscribe": headers["List-Unsubscribe"],
                "list_unsubscribe_post": headers["List-Unsubscribe-Post"],
            }
        )
    return links
