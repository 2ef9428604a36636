"""What every template may mention: the shop customers deal with."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def shop(request: HttpRequest) -> dict:
    """``shop_name``: the register's main controller, looked up only when a template uses it."""
    from register.models import shop_name

    return {"shop_name": SimpleLazyObject(shop_name)}
