"""A whole change list page, the parts the project writes in Python among it, reads as Django's.

``register.admin_list`` writes a list's add link, search form, action bars, table, filters and pagination
for the project's lists. Each page here is fetched twice: as the project serves it, and with every one of
those parts left to Django's templates (``renders_in_python`` answering no). Once the CSRF token (new
on each page) is set aside and the whitespace between tags collapsed, the two pages must be the same.
"""

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

import register.admin_list as register_admin_list
from tests.admin_rows import ROWS
from tests.register.test_admin_list import difference, squeeze
from tests.test_admin_query_counts import ADMINS, url_of

pytestmark = pytest.mark.django_db

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


class _NotOurs:
    """Stands in for the project's change list class: no change list is one, so Django renders all."""


def pages(client: Client, monkeypatch, url: str, language: str = "en", **params) -> tuple[str, str]:
    """The page as the project writes it, and as Django's templates alone write it."""

    def fetch() -> str:
        response = client.get(url, params, headers={"accept-language": language})
        assert response.status_code == 200, (url, params, response.status_code)
        return squeeze(_TOKEN.sub('name="csrfmiddlewaretoken" value="…"', response.content.decode()))

    ours = fetch()
    with monkeypatch.context() as patched:
        patched.setattr(register_admin_list, "StrictChangeList", _NotOurs)
        django = fetch()
    return ours, django


@pytest.mark.parametrize("label", sorted(ADMINS))
def test_every_list_page_reads_as_djangos(label, shop, root_client, monkeypatch):
    model, _model_admin = ADMINS[label]
    for _ in range(3):
        ROWS[label].make(shop)
    url = url_of(model, "changelist")
    for params in ({}, {"q": "zz<&>\"'"}, {"p": "1", "o": "-1"}):
        ours, django = pages(root_client, monkeypatch, url, **params)
        assert ours == django, (params, difference(ours, django))
    assert 'class="paginator"' in ours


@pytest.mark.parametrize("language", ["sv", "fi", "nb", "en"])
def test_the_request_list_pages_read_as_djangos_in_every_language(language, shop, dpo_client, monkeypatch):
    """Several pages (numbers, "…", the last page), a filter kept in the links, the action bar's
    "select all" and the search's result count, in each language."""
    for _ in range(12):
        ROWS["requests.request"].make(shop)
    model_admin = admin.site._registry[ADMINS["requests.request"][0]]
    monkeypatch.setattr(model_admin, "list_per_page", 1)
    url = reverse("admin:requests_request_changelist")
    seen = set()
    for params in ({}, {"p": "2"}, {"p": "12", "status": "all"}, {"q": "R-1", "status": "all"}, {"all": ""}):
        ours, django = pages(dpo_client, monkeypatch, url, language, **params)
        assert ours == django, (params, difference(ours, django))
        seen.add(ours)
    assert len(seen) == 5
    parts = ('class="action-counter"', 'class="question hidden"', 'class="this-page"', "…", 'class="end"')
    for part in parts:
        assert any(part in page for page in seen), part


def test_an_empty_list_page_reads_as_djangos(dpo_client, monkeypatch):
    ours, django = pages(dpo_client, monkeypatch, reverse("admin:customers_customer_changelist"), "sv")
    assert ours == django, difference(ours, django)


def test_a_list_page_with_messages_reads_as_djangos(dpo_client, monkeypatch):
    """Messages after an action: one with a link (marked safe), the page otherwise as Django writes it."""
    from tests.factories import make_register

    register = make_register()
    url = reverse("admin:register_register_changelist")
    data = {"action": "publish_selected", "_selected_action": [register.pk]}

    def page() -> str:
        response = dpo_client.post(url, data, follow=True)
        assert response.status_code == 200
        return squeeze(_TOKEN.sub('name="csrfmiddlewaretoken" value="…"', response.content.decode()))

    ours = page()
    with monkeypatch.context() as patched:
        patched.setattr(register_admin_list, "StrictChangeList", _NotOurs)
        django = page()
    assert ours == django, difference(ours, django)
    assert 'class="messagelist"' in ours
    assert f'<a href="/admin/register/register/{register.pk}/change/#controllers-group">' in ours


def test_a_plain_message_is_escaped_on_a_list_page(dpo_client):
    from django.contrib import messages
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    storage = CookieStorage(RequestFactory().get("/"))
    dpo_client.cookies[storage.cookie_name] = storage._encode(
        [Message(messages.INFO, "saved <b>5</b> & more")]
    )
    response = dpo_client.get(reverse("admin:requests_request_changelist"))
    assert "admin/change_list_python.html" in [template.name for template in response.templates]
    assert '<li class="info">Saved &lt;b&gt;5&lt;/b&gt; &amp; more</li>' in response.content.decode()
