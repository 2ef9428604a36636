"""The empty request form is rendered once and served with each visitor's own token and nonce."""

import re

import pytest
from django.test import Client

from customers.models import ConsentPurpose
from register.models import Controller, Register
from tests.factories import make_complete_register

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def purpose(code: str, name: str) -> ConsentPurpose:
    return ConsentPurpose.objects.create(
        code=code, name_sv=name, name_fi=name, name_nb=name, name_en=name, channel="email"
    )


def test_every_visitor_gets_their_own_token_and_it_takes_their_request():
    anna, bert = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    annas = TOKEN.findall(anna.get("/sv/requests/new/").content.decode())
    berts = TOKEN.findall(bert.get("/sv/requests/new/").content.decode())
    # The request form and the four language buttons, each with the visitor's token.
    assert len(annas) == 5 and len(set(annas)) == 1
    assert annas[0] != berts[0]
    assert anna.cookies["csrftoken"].value != bert.cookies["csrftoken"].value
    data = {"kind": "access", "email": "anna@example.org", "name": "Anna"}
    assert anna.post("/sv/requests/new/", {**data, "csrfmiddlewaretoken": berts[0]}).status_code == 403
    assert anna.post("/sv/requests/new/", {**data, "csrfmiddlewaretoken": annas[0]}).status_code == 302


def test_each_response_has_its_own_nonce(client):
    first, second = client.get("/sv/requests/new/"), client.get("/sv/requests/new/")
    nonces = [r["Content-Security-Policy"].split("'nonce-")[1].split("'")[0] for r in (first, second)]
    assert nonces[0] != nonces[1]
    # The inline style and script of the page carry the response's nonce.
    assert second.content.decode().count(f'nonce="{nonces[1]}"') == 3
    assert "\x00" not in second.content.decode()


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("sv", "Gör en begäran om dina personuppgifter"),
        ("fi", "Tee henkilötietojasi koskeva pyyntö"),
        ("nb", "Send en forespørsel om personopplysningene dine"),
        ("en", "Make a request about your personal data"),
    ],
)
def test_the_form_is_in_the_language_of_its_address(client, language, heading):
    for other in ("sv", "fi", "nb", "en"):
        client.get(f"/{other}/requests/new/")
    page = client.get(f"/{language}/requests/new/").content.decode()
    assert f'<html lang="{language}">' in page
    assert heading in page
    assert f'lang="{language}" aria-current="true"' in page
    assert f'name="next" value="/{language}/requests/new/"' in page


def test_the_kind_in_the_address_is_chosen_and_nothing_else_is(client):
    assert (
        '<option value="erasure" selected>' in client.get("/sv/requests/new/?kind=erasure").content.decode()
    )
    access = client.get("/sv/requests/new/?kind=access").content.decode()
    assert '<option value="access" selected>' in access and '<option value="erasure" selected>' not in access
    bogus = client.get('/sv/requests/new/?kind="><b>x</b>').content.decode()
    assert "<b>x</b>" not in bogus and '<option value="" selected>' in bogus


def test_a_new_purpose_and_a_new_shop_name_show_at_once(client):
    make_complete_register()
    purpose("newsletter_test", "Nyhetsbrev om test")
    page = client.get("/sv/requests/new/").content.decode()
    assert "Nyhetsbrev om test" in page
    shop = Controller.objects.filter(register=Register.objects.current()).order_by("position", "id").first()
    old_name = shop.name
    assert f"<title>Gör en begäran om dina personuppgifter — {old_name}</title>" in page
    purpose("sms_test", "Erbjudanden per sms")
    shop.name = "Omdöpt Butik Ab"
    shop.save()
    page = client.get("/sv/requests/new/").content.decode()
    assert "Erbjudanden per sms" in page and "Omdöpt Butik Ab" in page and old_name not in page


@pytest.mark.parametrize("purposes", [1, 8])
def test_a_repeat_view_reads_nothing_from_the_database(client, django_assert_num_queries, purposes):
    make_complete_register()
    for number in range(purposes):
        purpose(f"purpose_{number}", f"Syfte {number}")
    client.get("/sv/requests/new/")
    with django_assert_num_queries(0):
        page = client.get("/sv/requests/new/").content.decode()
    assert page.count('name="withdrawal_purposes"') == ConsentPurpose.objects.count()


def test_a_changed_or_deleted_purpose_shows_at_once(client):
    renamed, dropped = purpose("renamed_test", "Gammalt namn"), purpose("dropped_test", "Borttaget syfte")
    client.get("/sv/requests/new/")
    renamed.name_sv = "Nytt namn"
    renamed.save()
    dropped.delete()
    page = client.get("/sv/requests/new/").content.decode()
    assert "Nytt namn" in page and "Gammalt namn" not in page and "Borttaget syfte" not in page


def test_a_purpose_added_after_the_page_was_shown_is_accepted(client):
    client.get("/sv/requests/new/")
    # Added by another process, whose cache this one does not share: the form still validates
    # against the table.
    ConsentPurpose.objects.bulk_create(
        [ConsentPurpose(code="late_test", name_sv="Sent", name_fi="Sent", name_nb="Sent", name_en="Sent")]
    )
    data = {"kind": "withdrawal", "email": "anna@example.org", "withdrawal_purposes": ["late_test"]}
    assert client.post("/sv/requests/new/", data).status_code == 302


def test_a_form_with_errors_is_shown_with_them_and_the_visitor_token(client):
    page = client.post("/sv/requests/new/", {"kind": "access", "email": "not an address"}).content.decode()
    assert 'class="errorlist' in page
    assert TOKEN.search(page)
