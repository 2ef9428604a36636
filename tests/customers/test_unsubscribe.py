import pytest
from django.test import Client

from customers.models import ConsentEvent
from customers.unsubscribe import list_unsubscribe_headers, make_unsubscribe_token, unsubscribe_url
from tests.factories import make_consent, make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed():
    customer = make_customer(language="fi")
    make_consent(customer, "newsletter_email")
    return customer


def path_of(customer, purpose="newsletter_email"):
    url = unsubscribe_url(customer, purpose)
    return "/" + url.split("/", 3)[3]


def test_url_is_absolute_in_the_customers_language_without_personal_data(subscribed, settings):
    url = unsubscribe_url(subscribed, "newsletter_email")
    assert url.startswith(settings.SITE_URL + "/fi/unsubscribe/")
    assert subscribed.email not in url and subscribed.last_name not in url
    headers = list_unsubscribe_headers(subscribed, "newsletter_email")
    assert headers == {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def test_get_alone_changes_nothing(client, subscribed):
    response = client.get(path_of(subscribed))
    assert response.status_code == 200
    assert subscribed.current_consents()["newsletter_email"] is True
    assert subscribed.consent_events.count() == 1


def test_post_withdraws_and_is_idempotent():
    customer = make_customer(language="en")
    make_consent(customer, "newsletter_email")
    client = Client(enforce_csrf_checks=True)
    page = client.get(path_of(customer))
    token = page.cookies["csrftoken"].value
    response = client.post(path_of(customer), {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert b"You have been unsubscribed" in response.content
    latest = customer.latest_consent_event("newsletter_email")
    assert latest.action == ConsentEvent.Action.WITHDRAWN
    assert latest.via == ConsentEvent.Via.UNSUBSCRIBE
    again = client.post(path_of(customer), {"csrfmiddlewaretoken": token})
    assert b"already unsubscribed" in again.content
    assert customer.consent_events.count() == 2


def test_plain_post_without_csrf_token_is_refused(subscribed):
    client = Client(enforce_csrf_checks=True)
    response = client.post(path_of(subscribed))
    assert response.status_code == 403
    assert subscribed.current_consents()["newsletter_email"] is True


def test_one_click_post_withdraws_without_csrf(subscribed):
    client = Client(enforce_csrf_checks=True)
    response = client.post(path_of(subscribed), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert subscribed.current_consents()["newsletter_email"] is False
    assert "RFC 8058" in subscribed.latest_consent_event("newsletter_email").evidence


@pytest.mark.parametrize("tamper", ["flip", "other_customer", "garbage"])
def test_tampered_token_changes_nothing(client, subscribed, tamper):
    token = make_unsubscribe_token(subscribed, "newsletter_email")
    if tamper == "flip":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif tamper == "other_customer":
        payload, rest = token.split(":", 1)
        token = make_unsubscribe_token(make_customer(), "newsletter_email").split(":", 1)[0] + ":" + rest
    else:
        token = "not-a-token"
    response = client.post(f"/fi/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert subscribed.current_consents()["newsletter_email"] is True
    assert subscribed.consent_events.count() == 1


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("sv", "Avsluta prenumeration"),
        ("fi", "Peru tilaus"),
        ("nb", "Avslutt abonnement"),
        ("en", "Unsubscribe"),
    ],
)
def test_page_is_in_the_customers_language(client, language, heading):
    customer = make_customer(language=language)
    make_consent(customer, "newsletter_email")
    response = client.get(path_of(customer))
    assert response.status_code == 200
    assert heading in response.content.decode()
    assert f'lang="{language}"' in response.content.decode()


def test_link_is_stable_and_does_not_expire(subscribed, monkeypatch):
    import time

    first = make_unsubscribe_token(subscribed, "newsletter_email")
    # A year later (signing reads the clock through time.time) the link is the same and still works.
    later = time.time() + 365 * 24 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert make_unsubscribe_token(subscribed, "newsletter_email") == first
    response = Client().post(path_of(subscribed), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert subscribed.current_consents()["newsletter_email"] is False
