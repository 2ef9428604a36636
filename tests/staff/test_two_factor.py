"""Staff give a second factor before the admin: required of the DPO and of anyone who sees
identity numbers in full, optional for customer service (staff.twofactor)."""

import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff import twofactor
from tests.conftest import login_with_second_factor, make_staff, totp_code

INDEX = "/admin/"
VERIFY = "/admin/two-factor/"
SETUP = "/admin/two-factor/setup/"


def signed_in(user) -> Client:
    """A client after the password step only."""
    client = Client()
    client.force_login(user)
    return client


def app_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def test_dpo_without_an_app_is_sent_to_enrol_before_any_admin_page(dpo):
    client = signed_in(dpo)
    for path in (INDEX, "/admin/customers/customer/", "/admin/password_change/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(SETUP + "?next=")


def test_dpo_with_an_app_is_asked_for_a_code(dpo):
    app_for(dpo)
    response = signed_in(dpo).get("/admin/customers/customer/")
    assert response.status_code == 302
    assert response["Location"] == VERIFY + "?next=%2Fadmin%2Fcustomers%2Fcustomer%2F"


def test_anyone_who_sees_identifiers_in_full_must_use_it(customer_service):
    customer_service.user_permissions.add(Permission.objects.get(codename="view_sensitive_identifiers"))
    assert signed_in(customer_service).get(INDEX)["Location"].startswith(SETUP)


def test_superuser_must_use_it(db):
    boss = make_staff("boss", None, is_superuser=True)
    assert signed_in(boss).get(INDEX)["Location"].startswith(SETUP)


def test_customer_service_without_an_app_may_work_without_it(customer_service):
    client = signed_in(customer_service)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert SETUP in response.content.decode()  # offered, not forced


def test_customer_service_who_enrolled_is_asked_for_a_code(customer_service):
    app_for(customer_service)
    assert signed_in(customer_service).get(INDEX)["Location"].startswith(VERIFY)


def test_right_code_opens_the_admin_and_wrong_code_does_not(dpo):
    app = app_for(dpo)
    client = signed_in(dpo)
    wrong = client.post(VERIFY, {"code": "000000" if totp_code(app.key) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert client.get(INDEX).status_code == 302
    app.refresh_from_db()
    app.throttle_reset()
    right = client.post(VERIFY, {"code": totp_code(app.key), "next": "/admin/customers/customer/"})
    assert right.status_code == 302 and right["Location"] == "/admin/customers/customer/"
    assert client.get(INDEX).status_code == 200


def test_a_code_cannot_be_used_twice(dpo):
    app = app_for(dpo)
    code = totp_code(app.key)
    assert signed_in(dpo).post(VERIFY, {"code": code}).status_code == 302
    assert signed_in(dpo).post(VERIFY, {"code": code}).status_code == 200


def test_wrong_codes_slow_down_the_next_tries(dpo):
    app = app_for(dpo)
    client = signed_in(dpo)
    client.post(VERIFY, {"code": "123456" if totp_code(app.key) != "123456" else "654321"})
    response = client.post(VERIFY, {"code": totp_code(app.key)})
    assert response.status_code == 200  # the right code, but too soon after a wrong one
    assert "After several wrong codes" in response.content.decode()


def test_backup_code_works_once(dpo):
    app_for(dpo)
    codes = twofactor.replace_backup_codes(dpo)
    assert len(codes) == 10 and len(set(codes)) == 10
    first = signed_in(dpo)
    assert first.post(VERIFY, {"code": codes[0].upper()}).status_code == 302
    assert first.get(INDEX).status_code == 200
    again = signed_in(dpo)
    assert again.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert again.get(INDEX).status_code == 302


def test_next_never_leads_off_the_site(dpo):
    app = app_for(dpo)
    response = signed_in(dpo).post(VERIFY, {"code": totp_code(app.key), "next": "https://evil.example/"})
    assert response["Location"] == INDEX


def test_second_factor_pages_need_a_signed_in_staff_member(client, outsider):
    for path in (VERIFY, SETUP):
        assert client.get(path)["Location"].startswith("/admin/login/")
    client.force_login(outsider)
    for path in (VERIFY, SETUP):
        assert client.get(path)["Location"].startswith("/admin/login/")


def test_second_factor_pages_check_csrf(dpo):
    app = app_for(dpo)
    client = Client(enforce_csrf_checks=True)
    client.force_login(dpo)
    assert client.post(VERIFY, {"code": totp_code(app.key)}).status_code == 403
    assert client.get(INDEX).status_code == 302


def test_enrolment_shows_the_secret_then_backup_codes_once(dpo):
    client = signed_in(dpo)
    page = client.get(SETUP, {"next": "/admin/requests/request/"})
    content = page.content.decode()
    assert page.status_code == 200
    assert "otpauth://totp/Kundregister%3Adpo?secret=" in content and "<svg" in content
    app = TOTPDevice.objects.get(user=dpo)
    assert not app.confirmed and app.key.upper() not in content  # the secret is shown in base32

    wrong = client.post(SETUP, {"code": "000000" if totp_code(app.key) != "000000" else "111111"})
    assert "That code is not right" in wrong.content.decode()
    app.refresh_from_db()
    app.throttle_reset()

    done = client.post(SETUP, {"code": totp_code(app.key), "next": "/admin/requests/request/"})
    assert done.status_code == 200 and "no-store" in done["Cache-Control"]
    shown = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())
    assert len(shown) == 10
    assert set(shown) == set(StaticDevice.objects.get(user=dpo).token_set.values_list("token", flat=True))
    app.refresh_from_db()
    assert app.confirmed
    assert client.get(INDEX).status_code == 200
    assert client.get(SETUP).status_code == 302  # the codes are not shown again


def test_reloading_the_enrolment_page_keeps_the_same_secret(dpo):
    client = signed_in(dpo)
    client.get(SETUP)
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=dpo).count() == 1


def test_dpo_resets_a_lost_phone_and_the_staff_member_enrols_again(dpo_client, customer_service):
    app_for(customer_service)
    twofactor.replace_backup_codes(customer_service)
    response = dpo_client.post(
        reverse("admin:staff_authenticatorapp_changelist"),
        {"action": "reset", "_selected_action": [TOTPDevice.objects.get(user=customer_service).pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=customer_service).exists()
    assert not StaticDevice.objects.filter(user=customer_service).exists()


def test_admin_never_shows_an_authenticator_secret(dpo_client, dpo):
    app = TOTPDevice.objects.get(user=dpo)
    for url in (
        reverse("admin:staff_authenticatorapp_changelist"),
        reverse("admin:staff_authenticatorapp_change", args=[app.pk]),
    ):
        response = dpo_client.get(url)
        assert response.status_code == 200
        assert app.key not in response.content.decode()


def test_django_otp_own_admin_pages_are_not_served(dpo_client):
    assert dpo_client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert dpo_client.get("/admin/otp_static/staticdevice/").status_code == 404


def test_customer_service_cannot_see_or_reset_second_factors(service_client, dpo):
    app = TOTPDevice.objects.create(user=dpo, name="Phone", confirmed=True)
    url = reverse("admin:staff_authenticatorapp_changelist")
    assert service_client.get(url).status_code == 403
    assert service_client.post(url, {"action": "reset", "_selected_action": [app.pk]}).status_code == 403
    assert TOTPDevice.objects.filter(pk=app.pk).exists()


def test_reset_command_removes_every_second_factor(dpo):
    app_for(dpo)
    twofactor.replace_backup_codes(dpo)
    call_command("reset_two_factor", "dpo", stdout=io.StringIO())
    assert not TOTPDevice.objects.filter(user=dpo).exists()
    assert not StaticDevice.objects.filter(user=dpo).exists()


def test_demo_code_command_refuses_without_debug(settings, dpo):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=True"):
        call_command("demo_otp_code", "dpo", stdout=io.StringIO())


def test_demo_code_command_prints_a_code_that_signs_in(settings, dpo):
    settings.DEBUG = True
    app_for(dpo)
    out = io.StringIO()
    call_command("demo_otp_code", "dpo", stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    assert signed_in(dpo).post(VERIFY, {"code": code}).status_code == 302


def test_fixture_clients_have_given_the_second_factor(dpo_client):
    assert dpo_client.get(INDEX).status_code == 200
    other = login_with_second_factor(Client(), make_staff("boss", None, is_superuser=True))
    assert other.get(INDEX).status_code == 200


@pytest.mark.parametrize(
    ("language", "code_page", "setup_page"),
    [
        ("sv", "Ange den sexsiffriga kod", "Aktivera tvåfaktorsautentisering"),
        ("fi", "Syötä todennussovelluksesi", "Ota kaksivaiheinen tunnistautuminen käyttöön"),
        ("nb", "Skriv inn den sekssifrede koden", "Slå på tofaktorautentisering"),
        ("en", "Enter the six-digit code", "Set up two-factor authentication"),
    ],
)
def test_second_factor_pages_are_translated(dpo, customer_service, language, code_page, setup_page):
    app_for(dpo)
    assert code_page in signed_in(dpo).get(VERIFY, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    setup = signed_in(customer_service).get(SETUP, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert setup_page in setup


def test_admin_views_get_the_user_itself_with_its_second_factor(dpo_client, dpo, monkeypatch):
    """The admin reads the user once, from behind the middleware's lazy wrappers; the user it gets is
    the signed-in one, with the second factor django-otp found for the session."""
    from django.utils.functional import LazyObject

    from staff import sites

    seen = []

    def panel(request):
        seen.append(request.user)
        return ""

    # An index panel is given the request the admin's view was given.
    monkeypatch.setattr(sites, "_index_panels", [panel])
    response = dpo_client.get(reverse("admin:index"))
    assert response.status_code == 200
    (user,) = seen
    assert not isinstance(user, LazyObject)
    assert user.pk == dpo.pk and user.is_verified() and user.otp_device is not None


def test_resolved_user_reads_through_every_wrapper_once(db):
    from django.contrib.auth.models import AnonymousUser
    from django.utils.functional import SimpleLazyObject

    from staff.sites import resolved_user

    made = []

    def make():
        made.append(1)
        return AnonymousUser()

    inner = SimpleLazyObject(make)
    outer = SimpleLazyObject(lambda: inner)
    user = resolved_user(outer)
    assert type(user) is AnonymousUser and made == [1]
    assert resolved_user(user) is user
