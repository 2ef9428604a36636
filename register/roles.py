"""Staff roles: least privilege for customer service, full rights for the data-protection officer.

The DPO holds every permission of the three apps. Customer service holds what each
app lists in its ``CUSTOMER_SERVICE_PERMISSIONS`` (``app_label.codename``): it works
with the register's content and requests but may not erase, publish or see masked
fields. ``ensure_roles()`` creates or updates the groups; ``manage.py ensure_roles``
runs it after migrating.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

DATA_PROTECTION_OFFICER = "Data protection officer"
CUSTOMER_SERVICE = "Customer service"

PROJECT_APPS = ("register", "customers", "requests")

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
        "noticeversion",
        "bookkeepingperiod",
        # The outgoing-message queue: customer service sees failed emails and sends them again.
        "outboxmessage",
    )
] + ["register.resend_outboxmessage"]


def customer_service_permissions() -> list[str]:
    """Return the permission names of the customer-service role."""
    from customers.roles import CUSTOMER_SERVICE_PERMISSIONS as customers_perms
    from requests.roles import CUSTOMER_SERVICE_PERMISSIONS as requests_perms

    return [*REGISTER_CUSTOMER_SERVICE_PERMISSIONS, *customers_perms, *requests_perms]


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
