"""Staff roles: least privilege for customer service, full rights for the data-protection officer.

The DPO holds every permission of the project's apps. Customer service holds what each
app's ``roles.py`` grants it with ``grant_customer_service()`` (``app_label.codename``;
the modules are discovered in ``RegisterConfig.ready()``): it works with the register's
content and requests but may not erase, publish or see masked fields. ``ensure_roles()``
creates or updates the groups; ``manage.py ensure_roles`` runs it after migrating.
Holders of the permissions named with ``require_two_factor()``, and every DPO, sign in with a
second factor (``staff.twofactor``).
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction

DATA_PROTECTION_OFFICER = "Data protection officer"
CUSTOMER_SERVICE = "Customer service"

PROJECT_APPS = ("register", "staff", "customers", "requests", "breaches", "api")

# Customer service may read the register description but not change or publish it.
REGISTER_CUSTOMER_SERVICE_PERMISSIONS: list[str] = [
    f"register.view_{model}"
    for model in (
        "register",
        "controller",
        "contactperson",
        "purpose",
        "datacategory",
        "source",
        "recipient",
        "cookie",
        "protectionprinciple",
        "retentionrule",
        "rightschannel",
        "identityrule",
        "noticeversion",
        "bookkeepingperiod",
        "statutoryhold",
        # The outgoing-message queue: customer service sees failed emails and sends them again.
        "outboxmessage",
    )
] + ["register.resend_outboxmessage"]


_customer_service: dict[str, None] = {}
_two_factor: dict[str, None] = {}


def grant_customer_service(permissions: Iterable[str]) -> None:
    """Add permissions (``app_label.codename``) to the customer-service role."""
    _customer_service.update(dict.fromkeys(permissions))


def customer_service_permissions() -> list[str]:
    """Return the permission names of the customer-service role."""
    return list(_customer_service)


def require_two_factor(permissions: Iterable[str]) -> None:
    """Require two-factor authentication of anyone who holds one of ``permissions`` (staff.twofactor)."""
    _two_factor.update(dict.fromkeys(permissions))


def two_factor_permissions() -> list[str]:
    """Return the permissions whose holders must use two-factor authentication."""
    return list(_two_factor)


grant_customer_service(REGISTER_CUSTOMER_SERVICE_PERMISSIONS)


@transaction.atomic
def ensure_roles() -> dict[str, Group]:
    """Create or update the staff groups so they hold exactly their role's permissions."""
    groups = {}
    all_perms = Permission.objects.filter(content_type__app_label__in=PROJECT_APPS)
    dpo, _ = Group.objects.get_or_create(name=DATA_PROTECTION_OFFICER)
    dpo.permissions.set(all_perms)
    groups[DATA_PROTECTION_OFFICER] = dpo

    cs, _ = Group.objects.get_or_create(name=CUSTOMER_SERVICE)
    wanted = set(customer_service_permissions())
    perms = []
    for perm in all_perms.select_related("content_type"):
        name = f"{perm.content_type.app_label}.{perm.codename}"
        if name in wanted:
            perms.append(perm)
    cs.permissions.set(perms)
    groups[CUSTOMER_SERVICE] = cs
    return groups
