"""Business ids by kind: check digits as docs/legal.md describes them, the customary form, clear refusals."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from register.business_ids import (
    BusinessIdKind,
    is_valid,
    luhn_valid,
    normalise,
    organisasjonsnummer_check_digit,
    registrikood_check_digit,
    y_tunnus_check_digit,
)
from register.models import Controller, publish
from tests.factories import make_complete_register


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- The algorithms, worked by hand ----------------------------------------------------------------


def test_y_tunnus_check_digit_by_hand():
    # 0112038-9: 0·7 + 1·9 + 1·10 + 2·5 + 0·8 + 3·4 + 8·2 = 57; 57 mod 11 = 2; C = 11 − 2 = 9.
    assert y_tunnus_check_digit("0112038") == 9
    # 3107541-9 (the Xhome seed): 21 + 9 + 0 + 35 + 40 + 16 + 2 = 123; 123 mod 11 = 2; C = 9.
    assert y_tunnus_check_digit("3107541") == 9
    # 0000000: sum 0, remainder 0 gives C = 0.
    assert y_tunnus_check_digit("0000000") == 0
    # 0000006: 6·2 = 12; 12 mod 11 = 1: no check digit makes it valid.
    assert y_tunnus_check_digit("0000006") is None


def test_swedish_luhn_by_hand():
    # 556012-5790: doubled 5,6,1,5,9 → 1,3,2,1,9 (16); kept 5,0,2,7,0 (14); 30 ≡ 0 mod 10.
    assert luhn_valid("5560125790")
    # 556042-7220: doubled 5,6,4,7,2 → 1,3,8,5,4 (21); kept 5,0,2,2,0 (9); 30.
    assert luhn_valid("5560427220")
    assert luhn_valid("5560360793")  # the example of docs/legal.md
    assert not luhn_valid("5560125791")


def test_norwegian_mod_11_by_hand():
    # 923 609 016: 9·3 + 2·2 + 3·7 + 6·6 + 0·5 + 9·4 + 0·3 + 1·2 = 126; 126 mod 11 = 5; C = 11 − 5 = 6.
    assert organisasjonsnummer_check_digit("92360901") == 6
    # 984 851 006: 27 + 16 + 28 + 48 + 25 + 4 + 0 + 0 = 148; 148 mod 11 = 5; C = 6.
    assert organisasjonsnummer_check_digit("98485100") == 6
    # 12345678 (docs/legal.md): 3 + 4 + 21 + 24 + 25 + 24 + 21 + 16 = 138; 138 mod 11 = 6; C = 5.
    assert organisasjonsnummer_check_digit("12345678") == 5
    # 00020000: 2·6 = 12; 11 − 1 = 10: invalid whatever the last digit.
    assert organisasjonsnummer_check_digit("00020000") is None
    # 00000000: 11 − 0 = 11 gives 0.
    assert organisasjonsnummer_check_digit("00000000") == 0


def test_estonian_registrikood_by_hand():
    # 16192154 (the Xmi seed): 1·1 + 6·2 + 1·3 + 9·4 + 2·5 + 1·6 + 5·7 = 103; 103 mod 11 = 4 = C.
    assert registrikood_check_digit("1619215") == 4
    # 12417834: 1 + 4 + 12 + 4 + 35 + 48 + 21 = 125; 125 mod 11 = 4.
    assert registrikood_check_digit("1241783") == 4
    # 1000006: weights 1–7 give 1 + 42 = 43, 43 mod 11 = 10, so weights 3–9: 3 + 54 = 57, 57 mod 11 = 2.
    assert registrikood_check_digit("1000006") == 2
    # 1000064: 1 + 36 + 28 = 65 → 10; 3 + 48 + 36 = 87 → 10 again: C = 0.
    assert registrikood_check_digit("1000064") == 0


# --- Normalising and refusing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "typed", "written"),
    [
        ("y_tunnus", "0112038-9", "0112038-9"),
        ("y_tunnus", " 01120389 ", "0112038-9"),
        ("y_tunnus", "112038-9", "0112038-9"),  # six digits from before 1992 get a leading zero
        ("organisationsnummer", "5560125790", "556012-5790"),
        ("organisationsnummer", "556042 7220", "556042-7220"),
        ("organisasjonsnummer", "923609016", "923 609 016"),
        ("organisasjonsnummer", "984 851 006", "984 851 006"),
        ("registrikood", "16192154", "16192154"),
        ("registrikood", "10000062", "10000062"),
        ("registrikood", "10000640", "10000640"),
        ("vat", "fi 0112 0389", "FI01120389"),
        ("vat", "SE556012579001", "SE556012579001"),
        ("vat", "NO 923 609 016 MVA", "NO923609016MVA"),
        ("vat", "EE100931558", "EE100931558"),
        ("vat", "DE 129273398", "DE129273398"),
    ],
)
def test_valid_ids_are_written_the_customary_way(kind, typed, written):
    assert normalise(kind, typed) == written


@pytest.mark.parametrize(
    ("kind", "typed", "says"),
    [
        ("y_tunnus", "0112038-8", "check digit of this Y-tunnus is wrong"),
        ("y_tunnus", "0000006-0", "check digit of this Y-tunnus is wrong"),
        ("y_tunnus", "12-3", "seven digits"),
        ("organisationsnummer", "556012-5791", "check digit of this organisationsnummer is wrong"),
        ("organisationsnummer", "55601257", "ten digits"),
        ("organisasjonsnummer", "923609017", "check digit of this organisasjonsnummer is wrong"),
        ("organisasjonsnummer", "000200005", "check digit of this organisasjonsnummer is wrong"),
        ("registrikood", "16192155", "check digit of this registrikood is wrong"),
        ("registrikood", "1619215", "eight digits"),
        ("vat", "FI01120388", "Y-tunnus is wrong"),
        ("vat", "SE556012579101", "organisationsnummer is wrong"),
        ("vat", "SE5560125790", "SE, the ten-digit organisationsnummer and 01"),
        ("vat", "NO923609016", "NO, the nine-digit organisasjonsnummer and MVA"),
        ("vat", "EE10093155", "EE and nine digits"),
        ("vat", "0112038-9", "starts with its country code"),
    ],
)
def test_wrong_ids_are_refused_with_a_clear_message(kind, typed, says):
    with pytest.raises(ValidationError) as refused:
        normalise(kind, typed)
    assert says in " ".join(refused.value.messages)
    assert not is_valid(kind, typed)


def test_refusal_is_in_the_staff_members_language():
    with translation.override("fi"), pytest.raises(ValidationError) as refused:
        normalise("y_tunnus", "0112038-8")
    assert "tarkistusmerkki" in " ".join(refused.value.messages)


@pytest.mark.django_db
def test_controller_clean_normalises_and_refuses():
    register = make_complete_register()
    controller = Controller(register=register, name="Norsk AS", business_id_kind="organisasjonsnummer")
    controller.business_id = "923609016"
    controller.full_clean()
    assert controller.business_id == "923 609 016"
    controller.business_id = "923609017"
    with pytest.raises(ValidationError) as refused:
        controller.full_clean()
    assert "business_id" in refused.value.message_dict
    controller.business_id_kind = ""
    with pytest.raises(ValidationError) as refused:
        controller.full_clean()
    assert "business_id_kind" in refused.value.message_dict


@pytest.mark.django_db
def test_admin_refuses_a_wrong_check_digit_on_the_controller_page(dpo_client):
    register = make_complete_register()
    controller = register.controllers.get()
    url = reverse("admin:register_controller_change", args=[controller.pk])
    data = {
        "register": register.pk,
        "name": controller.name,
        "position": 0,
        "business_id_kind": "y_tunnus",
        "business_id": "0112038-8",
        "country": "FI",
        "email": controller.email,
    }
    response = dpo_client.post(url, data)
    assert response.status_code == 200
    assert "The check digit of this Y-tunnus is wrong" in response.content.decode()
    controller.refresh_from_db()
    assert controller.business_id == "1234567-1"
    response = dpo_client.post(url, {**data, "business_id": "01120389"})
    assert response.status_code == 302
    controller.refresh_from_db()
    assert controller.business_id == "0112038-9"


@pytest.mark.django_db
def test_a_stored_wrong_id_stops_publishing():
    register = make_complete_register()
    register.controllers.update(business_id="1234567-8")
    missing = register.missing_for_publication()
    assert any("Testbutik Oy" in m and "check digit" in m for m in missing)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("sv", "Organisationsnummer"),
        ("fi", "Ruotsin organisaationumero (organisationsnummer)"),
        ("nb", "Svensk organisasjonsnummer (organisationsnummer)"),
        ("en", "Swedish organisation number (organisationsnummer)"),
    ],
)
def test_notice_names_the_kind_in_the_readers_language(client, language, name):
    register = make_complete_register()
    register.controllers.update(business_id_kind="organisationsnummer", business_id="556012-5790")
    publish(register)
    html = client.get(f"/{language}/privacy/").content.decode()
    assert f"{name}: 556012-5790" in html


def test_every_kind_has_a_check():
    for kind in BusinessIdKind:
        with pytest.raises(ValidationError):
            normalise(kind, "x")
