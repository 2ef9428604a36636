"""The public notice is served from its stored rendering, with validators for a 304 on a repeat visit."""

import re
import time

import pytest

from register import stored_pages, views
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


def test_a_warm_page_and_its_304_read_nothing_from_the_database(
    client, register, any_cache, django_assert_num_queries
):
    first = client.get("/sv/privacy/")
    with django_assert_num_queries(0):
        again = client.get("/sv/privacy/")
        not_modified = client.get("/sv/privacy/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200 and not_modified.status_code == 304
    assert NoticeVersion.objects.get().content["sv"] in again.content.decode()
    assert again["ETag"] == first["ETag"] and again["Last-Modified"] == first["Last-Modified"]


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


def test_what_a_request_read_before_the_publication_committed_is_forgotten_when_it_commits(
    client, register, django_capture_on_commit_callbacks
):
    client.get("/sv/privacy/")
    before = views._current_notice()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish(register)
    # Until the publication commits, the process's other requests read the previous version (their
    # connections do not see the new one yet): one of them reads it here.
    stored_pages.notice_state(lambda: before)
    assert "Version 1," in client.get("/sv/privacy/").content.decode()
    assert callbacks
    for callback in callbacks:
        callback()
    assert "Version 2," in client.get("/sv/privacy/").content.decode()


@pytest.fixture(params=["local-memory", "shared"])
def any_cache(request, settings, tmp_path):
    """The default cache of one process, or one every process shares."""
    if request.param == "shared":
        request.getfixturevalue("shared_cache")


def test_a_publication_by_another_process_shows_within_the_check_interval(
    client, register, any_cache, monkeypatch
):
    etag = client.get("/sv/privacy/")["ETag"]
    # Another process publishes: nothing of this process hears of it.
    with monkeypatch.context() as other_process:
        other_process.setattr("register.publishing.notice_published", lambda: None)
        Controller.objects.filter(register=register).update(name="Nytt Namn Ab")
        publish(register)
    # This process goes on with the version it knows for at most NOTICE_CHECK_SECONDS ...
    assert client.get("/sv/privacy/", headers={"If-None-Match": etag}).status_code == 304
    # ... and then looks again.
    started = time.monotonic()
    monkeypatch.setattr(
        stored_pages.time, "monotonic", lambda: started + stored_pages.NOTICE_CHECK_SECONDS + 0.1
    )
    fresh = client.get("/sv/privacy/", headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert "Version 2," in fresh.content.decode() and "Nytt Namn Ab" in fresh.content.decode()


def test_the_current_version_is_read_at_most_once_per_check_interval(register, monkeypatch):
    reads = []
    clock = [1000.0]
    monkeypatch.setattr(stored_pages.time, "monotonic", lambda: clock[0])
    stored_pages.forget_notice()

    def read():
        reads.append(clock[0])
        return len(reads)

    assert stored_pages.notice_state(read) == 1
    clock[0] += stored_pages.NOTICE_CHECK_SECONDS - 0.1
    assert stored_pages.notice_state(read) == 1
    clock[0] += 0.2
    assert stored_pages.notice_state(read) == 2
    assert len(reads) == 2


def test_a_version_read_while_a_publication_was_forgotten_is_not_kept():
    stored_pages.forget_notice()

    def read_during_a_publication():
        # The publication commits (and is forgotten) while this read runs: what it read may predate it.
        stored_pages.forget_notice()
        return "previous"

    assert stored_pages.notice_state(read_during_a_publication) == "previous"
    assert stored_pages.notice_state(lambda: "published") == "published"


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
