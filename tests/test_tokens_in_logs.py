"""No log line, at any level, carries a verification, report-download or unsubscribe token.

Found by testing: a PUT on a report link logged "Method Not Allowed (PUT): /sv/requests/report/<token>/"
at INFO, and the token from the log downloaded the report. Every method on every tokenised URL,
with a valid and an invalid token, under every language prefix or none, is tried here.
"""

import io
import logging
import secrets

import pytest
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from customers.unsubscribe import make_unsubscribe_token
from register.log_filters import MASK, MaskTokens
from requests.models import Request
from requests.reports import build_access_report, make_download_token
from tests.factories import make_consent, make_customer, make_matched_request, make_request

pytestmark = pytest.mark.django_db

METHODS = ["get", "head", "options", "put", "patch", "delete", "post"]


def tokenised_url_names(patterns=None, namespace="") -> set[str]:
    """Every URL name of the URLconf whose pattern takes a ``token``."""
    names = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= tokenised_url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and "token" in entry.pattern.regex.groupindex:
            names.add(f"{namespace}{entry.name}")
    return names


@pytest.fixture
def tokens(dpo) -> dict[str, list[str]]:
    """A valid and an invalid token for every tokenised URL."""
    customer = make_customer()
    make_consent(customer, "newsletter_email")
    report = build_access_report(make_matched_request([customer]), by=dpo)
    valid = {
        "requests:verify": make_request(status=Request.Status.RECEIVED).issue_verification_token(),
        "requests:report": make_download_token(report),
        "customers:unsubscribe": make_unsubscribe_token(customer, "newsletter_email"),
    }
    assert set(valid) == tokenised_url_names(), "give every tokenised URL a valid token here"
    return {name: [token, secrets.token_urlsafe(24)] for name, token in valid.items()}


def paths(name: str, token: str) -> list[str]:
    """The URL under each language prefix, none, an unknown one, and with a wrong ending."""
    found = []
    for language in ("sv", "fi", "nb", "en"):
        with translation.override(language):
            found.append(reverse(name, args=[token]))
    bare = found[0].removeprefix("/sv")
    return [*found, bare, "/de" + bare, found[0] + "extra/", found[0].rstrip("/")]


def assert_no_token(caplog, token: str) -> None:
    for record in caplog.records:
        assert token not in record.getMessage(), record.getMessage()
    assert token not in caplog.text


def test_no_method_on_any_tokenised_url_logs_its_token(tokens, caplog):
    caplog.set_level(logging.DEBUG)
    client = Client(enforce_csrf_checks=True)
    for name, pair in tokens.items():
        for token in pair:
            for path in paths(name, token):
                for method in METHODS:
                    response = getattr(client, method)(path)
                    assert response.status_code < 500, (method, path)
            assert_no_token(caplog, token)
    logged = [record.getMessage() for record in caplog.records]
    assert any(line.startswith("Method Not Allowed (PUT): ") and MASK in line for line in logged)
    assert any(line.startswith("Forbidden (CSRF") and MASK in line for line in logged)
    assert any(line.startswith("Not Found: ") and MASK in line for line in logged)


def test_a_server_error_on_a_tokenised_url_logs_neither_path_nor_exception_with_the_token(
    tokens, caplog, monkeypatch
):
    token = tokens["requests:report"][0]

    def broken(value, now=None):
        raise RuntimeError(f"cannot open the report of {value}")

    monkeypatch.setattr("requests.reports.report_for_token", broken)
    caplog.set_level(logging.DEBUG)
    client = Client(raise_request_exception=False)
    with translation.override("sv"):
        path = reverse("requests:report", args=[token])
    assert client.get(path).status_code == 500
    assert_no_token(caplog, token)
    assert f"Internal Server Error: /sv/requests/report/{MASK}/" in caplog.text
    assert f"RuntimeError: cannot open the report of {MASK}" in caplog.text


def test_runserver_request_lines_are_masked(tokens, caplog):
    caplog.set_level(logging.DEBUG)
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = None
    for pair in tokens.values():
        for token in pair:
            with translation.override("fi"):
                path = reverse("customers:unsubscribe", args=[token])
            for status in ("200", "405", "404", "500"):
                handler.log_message('"%s" %s %s', f"PUT {path}?a=1 HTTP/1.1", status, "0")
            encoded = path.replace("unsubscribe", "%75nsubscribe")
            handler.log_message('"%s" %s %s', f"GET {encoded} HTTP/1.1", "404", "0")
            assert_no_token(caplog, token)
    assert '"PUT /fi/unsubscribe/[token]/?a=1 HTTP/1.1" 405 0' in [r.getMessage() for r in caplog.records]


def test_the_console_handler_masks_tokens_logged_by_any_logger(tokens):
    handler = next(
        h for h in logging.getLogger().handlers if any(isinstance(f, MaskTokens) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        token = tokens["requests:verify"][0]
        logging.getLogger("somewhere.else").warning("Link /en/requests/verify/%s/ failed", token)
    finally:
        handler.setStream(previous)
    assert token not in stream.getvalue()
    assert f"/en/requests/verify/{MASK}/" in stream.getvalue()
