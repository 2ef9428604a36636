"""One row of every model the admin shows, for tests that walk every admin page.

``make_admin_world(dpo)`` builds a published register, a customer with masked identifiers and
everything hanging off them, requests of the kinds the custom pages act on, and the records
the workflows write. It returns ``{model: object}`` for each model registered in the admin.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import models

HETU = "131052-308T"
IBAN = "FI2112345600000785"


def make_admin_world(dpo) -> dict[type[models.Model], models.Model]:
    from api.models import ApiKey, Integration, WebhookDelivery
    from customers.models import ConsentEvent, record_marketing_objection
    from register.models import (
        BookkeepingPeriod,
        Cookie,
        IdentityRule,
        NoticeVersion,
        OutboxMessage,
        Recipient,
        StatutoryHold,
    )
    from register.retention import run_purge
    from requests import rights
    from requests.emails import send_request_email
    from requests.erasure import erase_customer
    from requests.models import LegalClaim, Request
    from requests.rectification import record_proposals
    from requests.reports import build_access_report
    from staff.models import AuthenticatorApp, FailedLogin, StaffLogin
    from tests.factories import (
        make_consent,
        make_customer,
        make_invoice,
        make_matched_request,
        make_order,
        make_order_line,
        make_payment,
        make_published_retention_register,
        make_return,
    )

    register = make_published_retention_register()
    Cookie.objects.create(register=register, provider="Shop", name="sessionid", category="necessary")
    IdentityRule.objects.create(register=register, right="access", accepts_email_link=True)
    Recipient.objects.filter(register=register).update(receives_customer_data=True, email="dpo@posti.example")
    run_purge()
    # Bookkeeping periods and statutory holds come from data migrations, without history: give one
    # of each a version.
    BookkeepingPeriod.objects.order_by("pk").first().save()
    StatutoryHold.objects.order_by("pk").first().save()

    customer = make_customer(identity_number=HETU, bank_account=IBAN, first_name="Maja")
    order = make_order(customer)
    make_order_line(order)
    make_payment(make_invoice(order))
    make_return(order, refund_account=IBAN)
    make_consent(customer)
    record_marketing_objection(make_customer(), via=ConsentEvent.Via.STAFF, evidence="test")
    erase_customer(make_customer(), by=dpo, reason="test")

    access = make_matched_request([customer], kind=Request.Kind.ACCESS)
    build_access_report(access, by=dpo)
    send_request_email(access, "acknowledgement")
    make_matched_request([customer], kind=Request.Kind.ERASURE)
    record_proposals(make_matched_request([customer], kind=Request.Kind.RECTIFICATION), {"city": "Åbo"})
    rights.apply_restriction(make_matched_request([customer], kind=Request.Kind.RESTRICTION), by=dpo)
    LegalClaim.objects.create(customer=customer, note="Reklamation 2026/114", noted_by=dpo)

    # Staff sign-in: a failed login, a login, the DPO's authenticator app.
    FailedLogin.objects.create(
        username="dpo",
        ip_address="192.0.2.1",
        user_agent="test",
        failures_since_start=1,
        get_data="",
        post_data="",
    )
    StaffLogin.objects.create(username="dpo", ip_address="192.0.2.1", user_agent="test")
    AuthenticatorApp.objects.get_or_create(user=dpo, defaults={"name": "Test app", "confirmed": True})

    # A breach, notified to the authority and to the customer.
    from django.utils import timezone

    from breaches.models import Breach, BreachNotice

    breach = Breach.objects.create(title="Lost laptop", aware_at=timezone.now(), recorded_by=dpo)
    breach.record_notification(stage="initial", notified_at=timezone.now(), reference="TSV/1/2026", by=dpo)
    BreachNotice.objects.create(breach=breach, customer=customer, language="sv", sent_by=dpo)
    # The shop's integration: a key, a webhook integration and one delivery of it.
    key = ApiKey(name="Shop", scopes=["customers:write"], created_by=dpo)
    key.issue()
    key.save()
    shop = Integration.objects.create(name="Shop", kind="woocommerce", secret="0123456789abcdef0123")
    WebhookDelivery.objects.create(integration=shop, topic="customer.created", outcome="processed")

    world = {}
    for model in admin.site._registry:
        found = model._default_manager.order_by("pk").first()
        assert found is not None, f"the admin world has no {model._meta.label}"
        world[model] = found
    # The request the custom pages act on is the access request; the notice is the published one.
    world[Request] = access
    world[NoticeVersion] = NoticeVersion.objects.get()
    assert OutboxMessage.objects.exists() and Group.objects.exists()
    return world
