"""One email definition everywhere: internationalised domains accepted, undeliverable local parts refused."""

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation

from customers.models import Customer
from register.email_address import EmailAddressField, validate_email_address, validate_email_lines
from register.models import ContactPerson, Controller, Recipient, RightsChannel
from requests.forms import PublicRequestForm, StaffRequestForm
from requests.models import Request
from tests.factories import make_complete_register

IDN_ADDRESSES = ["kund@exämple.se", "asiakas@äänekoski.fi", "user@пример.рф", "kunde@xn--exmple-cua.no"]
UNDELIVERABLE = ["åsa@example.se", "pekka.mäkinen@example.fi"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("address", [*IDN_ADDRESSES, "o'brien+shop@example.ie", "x@[192.0.2.1]"])
def test_internationalised_domains_and_unusual_but_valid_addresses_are_accepted(address):
    validate_email_address(address)


@pytest.mark.parametrize("address", UNDELIVERABLE)
def test_non_ascii_local_parts_are_refused_with_the_reason(address):
    with pytest.raises(ValidationError) as refused:
        validate_email_address(address)
    assert "cannot be delivered by our mail system" in refused.value.messages[0]


@pytest.mark.parametrize("address", ["plain", "a@b", "two@@example.se", "space in@example.se"])
def test_invalid_addresses_are_refused(address):
    with pytest.raises(ValidationError):
        validate_email_address(address)


def test_every_email_column_of_the_product_uses_the_one_definition():
    fields = [
        (model._meta.label, field.name)
        for app in ("register", "customers", "requests")
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.EmailField)
    ]
    assert ("customers.Customer", "email") in fields
    assert ("requests.Request", "email") in fields
    for label, name in fields:
        field = apps.get_model(label)._meta.get_field(name)
        assert isinstance(field, EmailAddressField), f"{label}.{name}"
        assert field.max_length == 254


@pytest.mark.django_db
def test_models_accept_idn_addresses_and_refuse_undeliverable_ones():
    register = make_complete_register()
    instances = [
        Controller(register=register, name="Shop"),
        Recipient(register=register, kind="carrier", name_sv="Posten"),
        Customer(customer_number="C1"),
        Request(kind="access", language="sv"),
    ]
    field = {Controller: "email", Recipient: "email", Customer: "email", Request: "email"}
    for instance in instances:
        name = field[type(instance)]
        setattr(instance, name, IDN_ADDRESSES[0])
        instance.clean_fields(exclude=[f.name for f in instance._meta.fields if f.name != name])
        setattr(instance, name, UNDELIVERABLE[0])
        with pytest.raises(ValidationError) as refused:
            instance.clean_fields(exclude=[f.name for f in instance._meta.fields if f.name != name])
        assert name in refused.value.message_dict


@pytest.mark.django_db
def test_contact_person_addresses_are_checked_line_by_line():
    validate_email_lines("dpo@example.se\n\nkund@exämple.se\n")
    with pytest.raises(ValidationError) as refused:
        validate_email_lines("dpo@example.se\nnot an address")
    assert refused.value.messages == ["Line 2 (not an address): Enter a valid email address."]
    register = make_complete_register()
    contact = ContactPerson(register=register, name="Dora", emails="dpo@example.se\nåsa@example.se")
    with pytest.raises(ValidationError) as refused:
        contact.full_clean()
    assert "emails" in refused.value.message_dict


@pytest.mark.django_db
def test_rights_channel_by_email_needs_an_address():
    register = make_complete_register()
    channel = RightsChannel(register=register, right="access", channel="email", value="åsa@example.se")
    with pytest.raises(ValidationError) as refused:
        channel.full_clean()
    assert "value" in refused.value.message_dict
    channel.value = "kund@exämple.se"
    channel.full_clean()
    RightsChannel(register=register, right="access", channel="phone", value="+46 8 123 45").full_clean()


@pytest.mark.django_db
def test_public_and_staff_forms_accept_idn_addresses():
    public = PublicRequestForm(data={"kind": "access", "email": " kund@exämple.se\x00 "})
    assert public.is_valid(), public.errors
    assert public.cleaned_data["email"] == "kund@exämple.se"
    refused = PublicRequestForm(data={"kind": "access", "email": "åsa@example.se"})
    assert not refused.is_valid()
    assert "cannot be delivered" in refused.errors["email"][0]
    staff = StaffRequestForm().fields["email"]
    assert staff.clean("user@пример.рф") == "user@пример.рф"


@pytest.mark.django_db
def test_a_request_from_an_idn_address_gets_its_verification_email(client):
    with translation.override("sv"):
        url = reverse("requests:new")
    response = client.post(url, {"kind": "access", "email": "kund@exämple.se", "name": "Kund"})
    assert response.status_code == 302
    assert Request.objects.get().email == "kund@exämple.se"
    (message,) = mail.outbox
    # Django's mail sends the domain punycode-encoded.
    assert message.message()["To"] == "kund@xn--exmple-cua.se"


@pytest.mark.django_db
def test_admin_controller_page_accepts_an_idn_address(dpo_client):
    register = make_complete_register()
    controller = register.controllers.get()
    data = {
        "register": register.pk,
        "name": controller.name,
        "position": 0,
        "business_id_kind": "y_tunnus",
        "business_id": controller.business_id,
        "email": "info@äänekoski.fi",
    }
    url = reverse("admin:register_controller_change", args=[controller.pk])
    assert dpo_client.post(url, data).status_code == 302
    controller.refresh_from_db()
    assert controller.email == "info@äänekoski.fi"
    response = dpo_client.post(url, {**data, "email": "åsa@example.se"})
    assert "cannot be delivered by our mail system" in response.content.decode()


@pytest.mark.parametrize(
    "address, code",
    [
        ("a@" + ".".join(["ß" * 20] * 11) + ".se", "too_long"),  # 235 typed, 455 case-folded
        ("anna@" + "ä" * 63 + ".se", "domain_too_long"),  # 63 typed, more once IDNA-encoded
        ("anna@" + "ß" * 40 + ".de", "domain_too_long"),
        ("a@" + ".".join(["aäbö" * 11] * 5) + ".se", "too_long"),  # 229 typed, 274 as sent
    ],
)
def test_addresses_that_do_not_fit_once_case_folded_or_sent_are_refused_everywhere(address, code):
    assert len(address) <= 254
    with pytest.raises(ValidationError) as refused:
        validate_email_address(address)
    assert refused.value.code == code
    customer = Customer(customer_number="C1", email=address)
    with pytest.raises(ValidationError) as invalid:
        customer.full_clean(exclude=[f.name for f in Customer._meta.fields if f.name != "email"])
    assert "email" in invalid.value.message_dict
