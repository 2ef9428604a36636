"""The shop's name is read from the cache on every page, and never outlives a change to the register."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from register.models import Controller, Register, shop_name
from tests.factories import make_register

pytestmark = pytest.mark.django_db


def site_name(client) -> str:
    page = client.get(reverse("admin:index")).content.decode()
    return page.split('<div id="site-name">', 1)[1].split("</div>", 1)[0]


def controller(register, name, position=0):
    return Controller.objects.create(register=register, name=name, position=position, country="FI")


def test_the_name_is_read_once_then_served_from_the_cache():
    controller(make_register(), "Lintukoto Oy")
    assert shop_name() == "Lintukoto Oy"
    with CaptureQueriesContext(connection) as queries:
        assert shop_name() == "Lintukoto Oy"
    assert not queries.captured_queries


def test_renaming_the_controller_shows_at_once_in_the_admin_header(dpo_client):
    seller = controller(make_register(), "Lintukoto Oy")
    assert "Lintukoto Oy" in site_name(dpo_client)
    seller.name = "Lintukoto Ab"
    seller.save()
    assert "Lintukoto Ab" in site_name(dpo_client)


def test_a_new_first_controller_or_a_deleted_one_changes_the_name():
    register = make_register()
    second = controller(register, "Toinen Oy", position=2)
    assert shop_name() == "Toinen Oy"
    first = controller(register, "Ensimmäinen Oy", position=1)
    assert shop_name() == "Ensimmäinen Oy"
    first.delete()
    assert shop_name() == "Toinen Oy"
    second.register.delete()
    assert shop_name() == ""


def test_making_another_register_current_shows_its_name():
    old = make_register()
    controller(old, "Vanha Oy")
    assert shop_name() == "Vanha Oy"
    old.is_current = False
    old.save()
    new = make_register()
    controller(new, "Uusi Oy")
    assert shop_name() == "Uusi Oy"
    assert Register.objects.current() == new
