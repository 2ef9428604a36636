"""The commands that prepare a development database span every app and live in the top one."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from customers.models import Customer
from register.models import NoticeVersion
from requests.models import Request

pytestmark = pytest.mark.django_db


def test_load_demo_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=True"):
        call_command("load_demo", customers=10, stdout=io.StringIO())
    assert not get_user_model().objects.exists()


def test_load_demo_creates_staff_a_published_register_customers_and_requests(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", customers=50, port=8123, stdout=out)

    users = {user.username: user for user in get_user_model().objects.all()}
    assert users["admin"].check_password("kundregister-demo") and users["admin"].is_superuser
    assert users["service"].is_staff and not users["service"].is_superuser
    assert NoticeVersion.objects.current() is not None
    # 50 generated customers plus none from elsewhere; the retention examples add old requests.
    assert Customer.objects.count() == 50
    assert Request.objects.exists()
    assert "admin / kundregister-demo" in out.getvalue()
    # The links name where `make run` serves the site.
    assert "http://127.0.0.1:8123/admin/" in out.getvalue() and ":8000" not in out.getvalue()
    # Both demo users have a known authenticator app, printed for the phone, and a code command.
    for username in ("admin", "service"):
        app = TOTPDevice.objects.get(user=users[username], confirmed=True)
        assert app.config_url in out.getvalue()
    assert "make otp" in out.getvalue()
    code = io.StringIO()
    call_command("demo_otp_code", "admin", stdout=code)
    client = Client()
    client.force_login(users["admin"])
    assert client.post("/admin/two-factor/", {"code": code.getvalue().strip()}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_load_demo_keeps_existing_data_on_a_second_run(settings):
    settings.DEBUG = True
    call_command("load_demo", customers=20, stdout=io.StringIO())
    call_command("load_demo", customers=20, stdout=io.StringIO())
    assert Customer.objects.count() == 20
    assert NoticeVersion.objects.count() == 1


def test_bench_purge_refuses_any_database_but_its_own():
    with pytest.raises(CommandError, match="kr_bench"):
        call_command("bench_purge", orders=10, stdout=io.StringIO())
