"""Staff roles: each app's roles.py grants the customer-service role its permissions."""

import pytest

from customers.roles import CUSTOMER_SERVICE_PERMISSIONS as CUSTOMERS
from register.roles import (
    CUSTOMER_SERVICE,
    REGISTER_CUSTOMER_SERVICE_PERMISSIONS,
    customer_service_permissions,
    ensure_roles,
)
from requests.roles import CUSTOMER_SERVICE_PERMISSIONS as REQUESTS

pytestmark = pytest.mark.django_db


def test_customer_service_holds_what_every_app_grants():
    granted = set(customer_service_permissions())
    assert {*REGISTER_CUSTOMER_SERVICE_PERMISSIONS, *CUSTOMERS, *REQUESTS} == granted

    group = ensure_roles()[CUSTOMER_SERVICE]
    held = {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }
    assert held == granted
