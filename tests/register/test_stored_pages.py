"""The CSRF token a stored page fills in is Django's own kind: masked anew, made from the visitor's secret."""

import re
from collections import Counter

import pytest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, _get_new_csrf_string, _unmask_cipher_token
from django.test import Client, RequestFactory
from django.utils import translation

from register.models import publish
from register.stored_pages import csrf_token
from tests.factories import make_complete_register

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_a_token_is_the_visitors_secret_under_a_new_mask_and_renews_the_cookie():
    request = RequestFactory().get("/sv/privacy/")
    secret = _get_new_csrf_string()
    request.META["CSRF_COOKIE"] = secret
    tokens = {csrf_token(request) for _ in range(20)}
    assert len(tokens) == 20
    for token in tokens:
        assert len(token) == 64 and set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert request.META["CSRF_COOKIE"] == secret


def test_a_visitor_without_a_secret_gets_a_new_one_and_its_cookie():
    request = RequestFactory().get("/sv/privacy/")
    token = csrf_token(request)
    assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_every_allowed_character_can_be_drawn_for_the_mask():
    request = RequestFactory().get("/sv/privacy/")
    request.META["CSRF_COOKIE"] = _get_new_csrf_string()
    drawn = Counter(char for _ in range(1000) for char in csrf_token(request)[:32])
    # 32,000 draws over 62 characters: each is expected about 516 times.
    assert set(drawn) == set(CSRF_ALLOWED_CHARS)


@pytest.fixture(autouse=True)
def _keep_the_active_language():
    # Each request activates its page's language in this thread; the tests after these expect the
    # language they started with.
    with translation.override(translation.get_language()):
        yield


@pytest.mark.django_db
def test_a_returning_visitors_token_passes_djangos_csrf_check():
    publish(make_complete_register())
    visitor = Client(enforce_csrf_checks=True)
    visitor.get("/sv/privacy/")
    # The second page is filled in from the cookie the first one set.
    page = visitor.get("/sv/privacy/")
    assert "csrftoken" in page.cookies
    token = TOKEN.search(page.content.decode()).group(1)
    switched = visitor.post(
        "/i18n/setlang/", {"language": "fi", "next": "/fi/privacy/", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302
    form = visitor.get("/sv/requests/new/").content.decode()
    assert _unmask_cipher_token(TOKEN.search(form).group(1)) == visitor.cookies["csrftoken"].value
