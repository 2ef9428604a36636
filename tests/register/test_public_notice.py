"""The public notice: current version, earlier versions unchanged, friendly 404s, four languages."""

import pytest

from register.models import Controller, NoticeVersion, publish
from tests.factories import make_complete_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    register = make_complete_register()
    return register, publish(register)


@pytest.mark.parametrize("language", ["sv", "fi", "nb", "en"])
def test_notice_renders_in_every_language(client, published, language):
    response = client.get(f"/{language}/privacy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert f"Leverera beställningar [{language}]" in html
    assert "Testbutik Oy" in html
    assert "1234567-1" in html


def test_notice_shows_version_number_and_every_art_13_section(client, published):
    html = client.get("/en/privacy/").content.decode()
    assert "Version 1, published" in html
    for heading in (
        "Controller",
        "Contact in data protection matters",
        "Purposes and legal basis of the processing",
        "Personal data we process",
        "Where the data comes from",
        "Recipients and regular disclosures",
        "Transfers outside the EU/EEA",
        "How the register is protected",
        "How long the data is kept",
        "Your rights and how to use them",
        "Right to lodge a complaint",
        "Automated decision-making and profiling",
    ):
        assert heading in html, heading
    assert "Office of the Data Protection Ombudsman" in html
    assert "Performance of a contract (GDPR Art. 6(1)(b))" in html
    assert "The data is kept for 3 years after the customer&#x27;s last activity." in html


def test_authority_is_named_in_the_page_language(client, published):
    assert "Tietosuojavaltuutetun toimisto" in client.get("/fi/privacy/").content.decode()
    assert "Dataombudsmannens byrå" in client.get("/sv/privacy/").content.decode()


def test_old_version_stays_reachable_and_unchanged_after_edits(client, published):
    register, first = published
    stored = first.content["sv"]
    assert stored in client.get("/sv/privacy/1/").content.decode()
    Controller.objects.filter(register=register).update(name="Nytt Namn Ab")
    second = publish(register)
    assert second.number == 2

    old = client.get("/sv/privacy/1/").content.decode()
    assert stored in old
    assert "Testbutik Oy" in old and "Nytt Namn Ab" not in old
    assert "earlier version" in client.get("/en/privacy/1/").content.decode()
    current = client.get("/sv/privacy/").content.decode()
    assert "Nytt Namn Ab" in current and "Testbutik Oy" not in current
    first.refresh_from_db()
    assert "Testbutik Oy" in first.content["sv"]


def test_old_version_is_shown_from_stored_content_not_re_rendered(client, published):
    _register, version = published
    NoticeVersion.objects.filter(pk=version.pk).update(
        content={**version.content, "en": "<p>Stored text</p>"}
    )
    assert "<p>Stored text</p>" in client.get("/en/privacy/1/").content.decode()


def test_no_published_version_gives_friendly_404(client, db):
    response = client.get("/sv/privacy/")
    assert response.status_code == 404
    assert (
        "inte publicerats" in response.content.decode() or "not been published" in response.content.decode()
    )


def test_unknown_version_number_gives_404(client, published):
    assert client.get("/en/privacy/99/").status_code == 404


@pytest.mark.parametrize("path", ["/de/privacy/", "/xx/privacy/", "/sv-xx/privacy/", "/en/privacy/abc/"])
def test_bad_or_unknown_language_prefix_gives_404_not_500(client, published, path):
    assert client.get(path).status_code == 404


def test_privacy_page_accepts_only_get(client, published):
    assert client.post("/en/privacy/").status_code == 405


def test_notice_page_queries_do_not_grow_with_versions(client, published):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    register, _version = published
    with CaptureQueriesContext(connection) as one:
        client.get("/sv/privacy/")
    for _ in range(5):
        publish(register)
    with CaptureQueriesContext(connection) as six:
        client.get("/sv/privacy/")
    assert len(six) == len(one)
