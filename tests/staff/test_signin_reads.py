"""Who is signed in is read with SQL compiled once (staff.signin_reads): the same session, user and
device as Django's and django-otp's own reads, and the same refusals."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from register.compiled_reads import CompiledGet
from staff.signin_reads import SessionStore, StaffModelBackend
from tests.conftest import PASSWORD, login_with_second_factor

pytestmark = pytest.mark.django_db

INDEX = "/admin/"


def columns(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_a_compiled_get_gives_the_orms_instance_and_none_for_a_missing_key(dpo, customer_service):
    read = CompiledGet(get_user_model())
    for user in (dpo, customer_service, dpo):
        got = read.get(user.pk)
        expected = get_user_model().objects.get(pk=user.pk)
        assert type(got) is type(expected)
        assert columns(got) == columns(expected)
        assert not got._state.adding and got._state.db == "default"
    assert read.get(0) is None
    assert read.get(max(dpo.pk, customer_service.pk) + 1000) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the compiled SQL is PostgreSQL's")
def test_a_compiled_get_compiles_once_and_reads_once(dpo, customer_service):
    read = CompiledGet(TOTPDevice)
    devices = [
        TOTPDevice.objects.create(user=user, name="App", confirmed=True) for user in (dpo, customer_service)
    ]
    read.get(devices[0].pk)
    with CaptureQueriesContext(connection) as captured:
        got = [read.get(device.pk) for device in devices]
    assert len(captured.captured_queries) == 2
    assert [model_to_dict(device) for device in got] == [model_to_dict(device) for device in devices]
    assert [device.created_at for device in got] == [device.created_at for device in devices]
    assert len(read._read._compiled) == 1


def stored_session(data: dict, expire_in: timedelta) -> str:
    store = DjangoSessionStore()
    store.update(data)
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + expire_in)
    return store.session_key


def test_a_session_loads_the_data_djangos_store_loads():
    key = stored_session({"answer": 42, "name": "Åsa"}, timedelta(minutes=5))
    assert SessionStore(key).load() == DjangoSessionStore(key).load() == {"answer": 42, "name": "Åsa"}
    assert SessionStore(key).session_key == key


@pytest.mark.parametrize("expire_in", [timedelta(seconds=-1), timedelta(days=-3)])
def test_an_expired_session_is_no_session_and_gets_a_new_key_when_saved(expire_in):
    key = stored_session({"answer": 42}, expire_in)
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None
    store["other"] = 1
    store.save()
    assert store.session_key not in (None, key)


def test_an_unknown_session_key_is_no_session():
    store = SessionStore("x" * 32)
    assert store.load() == {} and store.session_key is None


def test_the_backend_refuses_an_inactive_or_missing_user(dpo):
    backend = StaffModelBackend()
    assert backend.get_user(dpo.pk) == dpo
    get_user_model().objects.filter(pk=dpo.pk).update(is_active=False)
    assert backend.get_user(dpo.pk) is None
    assert backend.get_user(dpo.pk + 1000) is None


def test_a_deactivated_staff_member_is_signed_out_at_the_next_page(dpo, client):
    login_with_second_factor(client, dpo)
    assert client.get(INDEX).status_code == 200
    get_user_model().objects.filter(pk=dpo.pk).update(is_active=False)
    response = client.get(INDEX)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_changed_password_signs_the_other_sessions_out(dpo, client):
    login_with_second_factor(client, dpo)
    dpo.set_password("another long passphrase 42")
    dpo.save()
    response = client.get(INDEX)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def verified_device(client):
    return client.get(INDEX).wsgi_request.user.otp_device


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda device, other: TOTPDevice.objects.filter(pk=device.pk).delete(), id="deleted"),
        pytest.param(
            lambda device, other: TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False),
            id="unconfirmed",
        ),
        pytest.param(
            lambda device, other: TOTPDevice.objects.filter(pk=device.pk).update(user=other),
            id="someone else's",
        ),
    ],
)
def test_a_device_that_no_longer_counts_ends_the_second_factor(dpo, customer_service, client, change):
    login_with_second_factor(client, dpo)
    device = verified_device(client)
    assert device == TOTPDevice.objects.get(user=dpo)
    change(device, customer_service)
    response = client.get(INDEX)
    assert response.status_code == 302 and response["Location"].startswith("/admin/two-factor/")
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_backup_code_device_is_read_as_well(dpo, client):
    device = StaticDevice.objects.create(user=dpo, name="Backup codes", confirmed=True)
    client.force_login(dpo)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert verified_device(client) == device


@pytest.mark.parametrize(
    "persistent_id",
    ["nonsense", "otp_totp.totpdevice/x", "auth.user/1", "nowhere.device/1", "otp_totp.totpdevice"],
)
def test_a_malformed_device_id_in_the_session_is_no_device(dpo, client, persistent_id):
    client.force_login(dpo)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = persistent_id
    session.save()
    response = client.get(INDEX)
    assert response.status_code == 302 and response["Location"].startswith("/admin/two-factor/")


def test_an_admin_page_reads_who_is_signed_in_with_three_queries(dpo, client):
    login_with_second_factor(client, dpo)
    client.get(INDEX)
    with CaptureQueriesContext(connection) as captured:
        client.get("/admin/password_change/")
    tables = [
        query["sql"].split(" FROM ", 1)[1].split()[0].strip('"`') for query in captured.captured_queries[:3]
    ]
    assert tables == ["django_session", "auth_user", "otp_totp_totpdevice"]


def test_a_password_login_signs_in_through_the_staff_backend(client, customer_service):
    response = client.post("/admin/login/", {"username": "service", "password": PASSWORD, "next": INDEX})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "staff.signin_reads.StaffModelBackend"
    assert client.get(INDEX).wsgi_request.user == customer_service


def test_a_session_of_the_version_before_asks_for_the_password_again(dpo, client):
    """Sessions made before the upgrade name Django's backend, no longer among AUTHENTICATION_BACKENDS."""
    login_with_second_factor(client, dpo)
    session = client.session
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    response = client.get(INDEX)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
