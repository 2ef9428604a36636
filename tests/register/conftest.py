"""Fixtures of the admin list tests: a shop with rows of every admin, and a superuser's client."""

import pytest
from django.test import Client

from tests.admin_rows import Shop


@pytest.fixture
def shop(dpo) -> Shop:
    return Shop(dpo)


@pytest.fixture
def root_client(django_user_model):
    from tests.conftest import login_with_second_factor

    root = django_user_model.objects.create_superuser("root", "root@shop.example", "x")
    return login_with_second_factor(Client(), root)
