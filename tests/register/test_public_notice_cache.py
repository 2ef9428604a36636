"""The public notice is served from its stored rendering, with validators for a 304 on a repeat visit."""

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
