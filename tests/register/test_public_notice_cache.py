"""The public notice is served from its stored rendering, with validators for a 304 on a repeat visit."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from register.models import Controller, NoticeVersion, publish
from tests.factories import make_complete_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def register():
    register = make_complete_register()
    publish(register)
    return register


def test_a_repeat_visit_with_the_etag_gets_304_without_a_body_or_a_policy(client, register):
    first = client.get("/sv/privacy/")
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"]
    again = client.get("/sv/privacy/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    # The stored page's inline style has the stored policy's nonce: a 304 must not replace it.
    assert "Content-Security-Policy" not in again


def test_a_repeat_visit_by_date_gets_304(client, register):
    first = client.get("/en/privacy/")
    assert (
        client.get("/en/privacy/", headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 304
    )


def test_a_new_version_another_language_or_another_csrf_cookie_answers_in_full(client, register):
    first = client.get("/sv/privacy/")
    etag = first["ETag"]
    assert client.get("/fi/privacy/", headers={"If-None-Match": etag}).status_code == 200
    # The page's language form carries a token made from the CSRF cookie.
    client.cookies["csrftoken"] = "x" * 32
    assert client.get("/sv/privacy/", headers={"If-None-Match": etag}).status_code == 200
    etag = client.get("/sv/privacy/")["ETag"]
    Controller.objects.filter(register=register).update(name="Nytt Namn Ab")
    publish(register)
    fresh = client.get("/sv/privacy/", headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert "Nytt Namn Ab" in fresh.content.decode()


def test_the_rendering_is_read_once_per_version_and_language(client, register):
    client.get("/sv/privacy/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/sv/privacy/")
    assert response.status_code == 200
    # Only the current version's number is read; the stored rendering comes from the cache.
    notice_reads = [q["sql"] for q in captured.captured_queries if "register_noticeversion" in q["sql"]]
    assert len(notice_reads) == 1 and '"content"' not in notice_reads[0]
    assert NoticeVersion.objects.get().content["sv"] in response.content.decode()


def test_each_response_still_has_its_own_nonce(client, register):
    first, second = client.get("/sv/privacy/"), client.get("/sv/privacy/")
    assert first["Content-Security-Policy"] != second["Content-Security-Policy"]
    nonce = second["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in second.content.decode()


@pytest.fixture
def shared_cache(settings, tmp_path):
    """A cache every process of an installation shares (here files; Redis or Memcached in production)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }


def test_with_a_shared_cache_a_repeat_view_reads_nothing_from_the_database(
    client, register, shared_cache, django_assert_num_queries
):
    first = client.get("/sv/privacy/")
    with django_assert_num_queries(0):
        again = client.get("/sv/privacy/")
        not_modified = client.get("/sv/privacy/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200 and not_modified.status_code == 304
    assert NoticeVersion.objects.get().content["sv"] in again.content.decode()
    assert again["ETag"] == first["ETag"] and again["Last-Modified"] == first["Last-Modified"]


def test_with_a_shared_cache_a_publication_shows_at_once(
    client, register, shared_cache, django_capture_on_commit_callbacks
):
    etag = client.get("/sv/privacy/")["ETag"]
    client.get("/sv/privacy/1/")
    Controller.objects.filter(register=register).update(name="Nytt Namn Ab")
    with django_capture_on_commit_callbacks(execute=True):
        publish(register)
    fresh = client.get("/sv/privacy/", headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert "Version 2," in fresh.content.decode() and "Nytt Namn Ab" in fresh.content.decode()
    # The earlier version's page now says it is not the current one and links to it.
    earlier = client.get("/sv/privacy/1/").content.decode()
    assert "Version 1," in earlier and 'href="/sv/privacy/"' in earlier and "Nytt Namn Ab" not in earlier


def test_with_a_shared_cache_the_publication_is_announced_when_it_commits(
    client, register, shared_cache, django_capture_on_commit_callbacks
):
    client.get("/sv/privacy/")
    # Until the publication commits, other processes read the previous version from the database:
    # announcing it earlier would let them store that version's page as the new one.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish(register)
    assert "Version 1," in client.get("/sv/privacy/").content.decode()
    assert callbacks
    for callback in callbacks:
        callback()
    assert "Version 2," in client.get("/sv/privacy/").content.decode()


def test_with_a_cache_of_one_process_a_publication_by_another_process_shows_at_once(client, register):
    client.get("/sv/privacy/")
    # Another process publishes: its announcement reaches its own cache only, never this process's.
    Controller.objects.filter(register=register).update(name="Nytt Namn Ab")
    publish(register)
    page = client.get("/sv/privacy/").content.decode()
    assert "Version 2," in page and "Nytt Namn Ab" in page


def test_each_language_has_its_own_page_and_every_visitor_their_own_token(register):
    from django.test import Client

    anna, bert = Client(), Client()
    swedish, finnish = anna.get("/sv/privacy/"), anna.get("/fi/privacy/")
    assert '<html lang="sv">' in swedish.content.decode()
    assert '<html lang="fi">' in finnish.content.decode()
    assert NoticeVersion.objects.get().content["fi"] in finnish.content.decode()
    assert 'lang="fi" aria-current="true"' in finnish.content.decode()
    theirs = bert.get("/sv/privacy/")
    assert anna.cookies["csrftoken"].value != bert.cookies["csrftoken"].value
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.search(swedish.content.decode()).group(1) != token.search(theirs.content.decode()).group(1)
    assert "\x00" not in swedish.content.decode()


def test_the_language_buttons_work_with_the_token_the_page_gave(register):
    from django.test import Client

    visitor, other = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    page = visitor.get("/sv/privacy/?from=mail").content.decode()
    assert 'name="next" value="/sv/privacy/?from=mail"' in page
    mine = token.search(page).group(1)
    other.get("/sv/privacy/")
    switched = visitor.post(
        "/i18n/setlang/", {"language": "fi", "next": "/fi/privacy/", "csrfmiddlewaretoken": mine}
    )
    assert switched.status_code == 302
    # Another visitor's token does not go with this visitor's cookie.
    theirs = token.search(other.get("/sv/privacy/").content.decode()).group(1)
    refused = visitor.post("/i18n/setlang/", {"language": "fi", "next": "/", "csrfmiddlewaretoken": theirs})
    assert refused.status_code == 403


def test_the_address_in_the_language_forms_is_escaped(client, register):
    page = client.get('/sv/privacy/?q="><script>alert(1)</script>').content.decode()
    assert "<script>alert(1)" not in page
    assert 'name="next" value="/sv/privacy/?q=' in page
    # Escaped as the template escapes it.
    assert (
        'name="next" value="/sv/privacy/?a=1&amp;b=2"' in client.get("/sv/privacy/?a=1&b=2").content.decode()
    )
