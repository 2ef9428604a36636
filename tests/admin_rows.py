"""Rows of every model the admin shows, for the query-count walk (tests/test_admin_query_counts.py).

For each admin model, keyed by its label, ``ROWS`` holds:

- ``make(shop)``: one row with the related rows it has in real life (an order with its customer, a
  request with its events), each row with related rows of its own, so a list column that reads a
  related row per row shows up as a query per row;
- ``grow(shop, obj, n)``: ``n`` more rows hanging off ``obj`` of every kind its change page shows or
  reads (inline rows, rows a read-only field lists, linked rows of a many-to-many widget).

Every object also gets ``n`` past versions and admin-log entries from the walk itself. A model
registered in the admin without an entry here fails the walk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cached_property
from itertools import count

from django.contrib.auth.models import Group, Permission, User
from django.db import models
from django.utils import timezone

from tests.factories import (
    make_consent,
    make_customer,
    make_invoice,
    make_matched_request,
    make_order,
    make_order_line,
    make_payment,
    make_register,
    make_request,
    make_return,
)

_seq = count(1)


class Shop:
    """What the rows of one test share: the acting DPO and a current register."""

    def __init__(self, dpo: User):
        self.dpo = dpo

    @cached_property
    def register(self):
        from register.models import Register

        return Register.objects.filter(is_current=True).first() or make_register(is_current=True)

    def staff_member(self) -> User:
        n = next(_seq)
        return User.objects.create_user(f"staff{n}", f"staff{n}@shop.example", is_staff=True)


@dataclass(frozen=True)
class Rows:
    make: Callable[[Shop], models.Model]
    grow: Callable[[Shop, models.Model, int], None] = lambda shop, obj, n: None


def _texts(name: str, text: str) -> dict:
    return {f"{name}_{code}": f"{text} [{code}]" for code in ("sv", "fi", "nb", "en")}


# --- register --------------------------------------------------------------------------------


def _spare_register():
    """A register that is not the current one, for parts limited to one per register."""
    return make_register(is_current=False)


def make_controller(shop, register=None):
    from register.models import Controller

    n = next(_seq)
    return Controller.objects.create(
        register=register or shop.register,
        name=f"Seller {n} Oy",
        business_id="1234567-1",
        business_id_kind="y_tunnus",
        street_address="Esplanaden 1",
        postal_code="00100",
        city="Helsingfors",
        country="FI",
        email=f"seller{n}@shop.example",
    )


def make_contact(shop, register=None):
    from register.models import ContactPerson

    n = next(_seq)
    return ContactPerson.objects.create(
        register=register or shop.register, name=f"Dora {n}", role="dpo", emails=f"dpo{n}@shop.example"
    )


def make_purpose(shop, register=None):
    from register.models import Purpose

    return Purpose.objects.create(
        register=register or shop.register, legal_basis="b", **_texts("text", f"Purpose {next(_seq)}")
    )


def make_category(shop, register=None, purposes=1):
    from register.models import DataCategory

    register = register or shop.register
    category = DataCategory.objects.create(register=register, **_texts("name", f"Category {next(_seq)}"))
    category.purposes.set([make_purpose(shop, register) for _ in range(purposes)])
    return category


def make_source(shop, register=None):
    from register.models import Source

    return Source.objects.create(register=register or shop.register, **_texts("text", f"Source {next(_seq)}"))


def make_recipient(shop, register=None):
    from register.models import Recipient

    return Recipient.objects.create(
        register=register or shop.register,
        kind="carrier",
        country="FI",
        email=f"recipient{next(_seq)}@carrier.example",
        **_texts("name", "Posti"),
    )


def make_cookie(shop, register=None):
    from register.models import Cookie

    return Cookie.objects.create(
        register=register or shop.register, provider="Shop", name=f"c{next(_seq)}", category="necessary"
    )


def make_protection(shop, register=None):
    from register.models import ProtectionPrinciple

    return ProtectionPrinciple.objects.create(
        register=register or shop.register, **_texts("text", f"Encryption {next(_seq)}")
    )


def make_retention_rule(shop, register=None, categories=1):
    from register.models import RetentionRule

    register = register or shop.register
    rule = RetentionRule.objects.create(
        register=register, period_amount=3, period_unit="years", counts_from="last_activity"
    )
    rule.categories.set([make_category(shop, register) for _ in range(categories)])
    return rule


def make_rights_channel(shop, register=None):
    from register.models import RightsChannel

    return RightsChannel.objects.create(
        register=register or shop.register,
        right="access",
        channel="email",
        value=f"dpo{next(_seq)}@shop.example",
    )


def make_identity_rule(shop, register=None):
    from register.models import IdentityRule

    return IdentityRule.objects.create(
        register=register or _spare_register(), right="access", accepts_email_link=True
    )


PART_MAKERS = (
    make_controller,
    make_contact,
    make_purpose,
    make_category,
    make_source,
    make_recipient,
    make_cookie,
    make_protection,
    make_retention_rule,
    make_rights_channel,
)


def make_notice_version(shop, register=None):
    from register.models import NoticeVersion

    number = (NoticeVersion.objects.aggregate(models.Max("number"))["number__max"] or 0) + 1
    return NoticeVersion.objects.create(
        register=register or shop.register,
        number=number,
        published_at=timezone.now() - timedelta(days=number),
        published_by=shop.staff_member(),
        content={},
        snapshot={},
    )


def make_full_register(shop):
    register = _spare_register()
    for make in PART_MAKERS:
        make(shop, register)
    make_identity_rule(shop, register)
    make_notice_version(shop, register)
    return register


def grow_register(shop, register, n):
    from register.models import IdentityRule, Right

    # A few of every part: each is a form of its own on the page, and rendering them takes long.
    for _ in range(min(n, 3)):
        for make in PART_MAKERS:
            make(shop, register)
        make_notice_version(shop, register)
    for right in Right.values:
        IdentityRule.objects.get_or_create(register=register, right=right)


def grow_category(shop, category, n):
    category.purposes.add(*[make_purpose(shop, category.register) for _ in range(n)])


def grow_retention_rule(shop, rule, n):
    rule.categories.add(*[make_category(shop, rule.register) for _ in range(n)])


def make_bookkeeping_period(shop):
    """A period for the next country and record kind without one (the table holds one per pair)."""
    from register.models import BookkeepingPeriod, Country
    from register.models.holds import RecordKind

    for country in Country.values:
        for kind in RecordKind.values:
            if not BookkeepingPeriod.objects.filter(country=country, kind=kind).exists():
                return BookkeepingPeriod.objects.create(
                    country=country,
                    kind=kind,
                    years=Decimal("6"),
                    counts_from="end_of_financial_year",
                    statute="Law",
                )
    return BookkeepingPeriod.objects.order_by("-pk").first()


def make_statutory_hold(shop):
    from register.models import StatutoryHold

    return StatutoryHold.objects.create(
        country="FI",
        kind="consumer_complaint",
        statute=f"Statute {next(_seq)}",
        records=["orders", "invoices"],
        counts_from="delivery",
        period_amount=3,
    )


def make_purge_run(shop, results=1):
    from register.models import PurgeRun

    run = PurgeRun.objects.create(status="succeeded", finished_at=timezone.now(), host="worker")
    grow_purge_run(shop, run, results)
    return run


def grow_purge_run(shop, run, n):
    """Results of up to ``n`` more rules (a run has one result per rule)."""
    from register.models import PurgeRuleResult, RetentionKey

    done = set(run.results.values_list("rule", flat=True))
    rules = [rule for rule in RetentionKey.values if rule not in done][:n]
    PurgeRuleResult.objects.bulk_create(
        PurgeRuleResult(run=run, rule=rule, status="succeeded", total=3, counts={"orders": 3, "lines": 5})
        for rule in rules
    )


def make_outbox_message(shop):
    from register.models import OutboxMessage

    return OutboxMessage.objects.create(
        channel="email",
        target=f"kund{next(_seq)}@example.org",
        subject="Your request",
        reference=f"requests.request:{next(_seq)}",
        status="failed",
        attempts=3,
        last_error="550 mailbox unavailable",
    )


# --- staff accounts and sign-in ----------------------------------------------------------------


def make_user(shop, groups=1):
    user = shop.staff_member()
    grow_user(shop, user, groups)
    return user


def grow_user(shop, user, n):
    user.groups.add(*[make_group(shop, permissions=1) for _ in range(n)])
    user.user_permissions.add(*Permission.objects.order_by("pk")[:n])


def make_group(shop, permissions=1):
    group = Group.objects.create(name=f"Group {next(_seq)}")
    group.permissions.add(*Permission.objects.order_by("pk")[:permissions])
    return group


def grow_group(shop, group, n):
    group.permissions.add(*Permission.objects.order_by("pk")[:n])
    group.user_set.add(*[shop.staff_member() for _ in range(n)])


def make_failed_login(shop, address=None):
    from staff.models import FailedLogin

    n = next(_seq)
    return FailedLogin.objects.create(
        username=f"staff{n}",
        ip_address=address or f"192.0.2.{n % 250 + 1}",
        user_agent="Firefox",
        failures_since_start=2,
        get_data="",
        post_data="",
    )


def grow_failed_login(shop, attempt, n):
    # Failures of other usernames from the same address count towards the address's lockout.
    for _ in range(n):
        make_failed_login(shop, address=attempt.ip_address)


def make_staff_login(shop):
    from staff.models import StaffLogin

    n = next(_seq)
    return StaffLogin.objects.create(username=f"staff{n}", ip_address="192.0.2.7", user_agent="Firefox")


def make_authenticator_app(shop):
    from staff.models import AuthenticatorApp

    return AuthenticatorApp.objects.create(user=shop.staff_member(), name="Phone", confirmed=True)


# --- customers -------------------------------------------------------------------------------


def make_customer_row(shop):
    customer = make_customer()
    grow_customer(shop, customer, 1)
    return customer


def grow_customer(shop, customer, n):
    for _ in range(n):
        order = make_order(customer)
        make_order_line(order)
        make_payment(make_invoice(order))
        make_return(order)
        make_consent(customer)


def make_order_row(shop):
    order = make_order(make_customer(), controller=make_controller(shop))
    grow_order(shop, order, 1)
    return order


def grow_order(shop, order, n):
    for _ in range(n):
        make_order_line(order)
        make_payment(make_invoice(order))
        make_return(order)


def make_invoice_row(shop):
    invoice = make_invoice(make_order())
    make_payment(invoice)
    return invoice


def grow_invoice(shop, invoice, n):
    for _ in range(n):
        make_payment(invoice)


def make_consent_purpose(shop):
    from customers.models import ConsentPurpose

    n = next(_seq)
    return ConsentPurpose.objects.create(
        code=f"purpose-{n}", channel="email", is_marketing=True, **_texts("name", f"Purpose {n}")
    )


def grow_consent_purpose(shop, purpose, n):
    for _ in range(n):
        make_consent(make_customer(), purpose=purpose.code)


def make_suppression(shop):
    from customers.models import Suppression

    return Suppression.objects.get(digest=Suppression.add(email=f"objector{next(_seq)}@example.org")[0])


# --- requests --------------------------------------------------------------------------------


def make_request_row(shop):
    request = make_matched_request([make_customer()], assignee=shop.staff_member())
    grow_request(shop, request, 1)
    return request


def grow_request(shop, request, n):
    from requests.models import IdentityEvidenceEntry, InternalNote, RequestEvent

    customers = [make_customer() for _ in range(n)]
    for customer in customers:
        make_order(customer)
    request.customers.add(*customers)
    for _ in range(n):
        by = shop.staff_member()
        RequestEvent.objects.create(request=request, actor=by, kind="assigned", detail="")
        make_request_message(shop, request, by=by)
        InternalNote.objects.create(request=request, author=by, text="Called the customer.")
        IdentityEvidenceEntry.objects.create(request=request, kind="signed_document", recorded_by=by)
        make_access_report(shop, request, released_by=by)
        make_request_message(shop, request, by=by, template="report_link")


def make_request_message(shop, request=None, by=None, template="acknowledgement"):
    from requests.models import RequestMessage

    request = request or make_request()
    message = RequestMessage.objects.create(
        request=request,
        template=template,
        recipient=request.email,
        subject="Your request",
        body="We received your request.",
        language="sv",
        sent_by=by or shop.staff_member(),
    )
    return message


def make_access_report(shop, request=None, released_by=None, downloads=1):
    from requests.models import AccessReport

    report = AccessReport.objects.create(
        request=request or make_matched_request([make_customer()]),
        kind="access",
        file_path=f"r{next(_seq)}.zip",
        expires_at=timezone.now() + timedelta(days=7),
        sha256="0" * 64,
        created_by=shop.staff_member(),
        released_at=timezone.now() if released_by else None,
        released_by=released_by,
    )
    grow_access_report(shop, report, downloads)
    return report


def grow_access_report(shop, report, n):
    from requests.models import DownloadLog

    for _ in range(n):
        DownloadLog.objects.create(report=report, user=shop.staff_member())


def make_erasure_record(shop, items=1):
    from requests.models import ErasureRecord

    record = ErasureRecord.objects.create(
        customer=make_customer(),
        request=make_request(kind="erasure"),
        erased_by=shop.staff_member(),
        reason="Request",
        mode="delete",
        items=[],
    )
    grow_erasure_record(shop, record, items)
    return record


def grow_erasure_record(shop, record, n):
    item = {"model": "customers.order", "pks": [1, 2], "action": "retain", "fields": ["delivery_name"]}
    record.items = [*record.items, *([item] * n)]
    record.save(update_fields=["items"])


def make_legal_claim(shop):
    from requests.models import LegalClaim

    customer = make_customer()
    return LegalClaim.objects.create(
        customer=customer,
        request=make_matched_request([customer]),
        note="Claim 2026/114",
        noted_by=shop.staff_member(),
    )


def make_recipient_notification(shop, events=1):
    from requests.models import RecipientNotification

    recipient = make_recipient(shop)
    notification = RecipientNotification.objects.create(
        request=make_matched_request([make_customer()], kind="erasure"),
        recipient=recipient,
        recipient_name=str(recipient),
        recipient_email=recipient.email,
        action="erasure",
        done_by=shop.staff_member(),
    )
    grow_recipient_notification(shop, notification, events)
    return notification


def grow_recipient_notification(shop, notification, n):
    notification.event_messages.add(*[make_outbox_message(shop) for _ in range(n)])


def make_rectification_change(shop):
    from requests.models import RectificationChange

    customer = make_customer()
    return RectificationChange.objects.create(
        request=make_matched_request([customer], kind="rectification"),
        customer=customer,
        field="city",
        current_value=customer.city,
        customer_value="Åbo",
        proposed_value="Åbo",
        applied_at=timezone.now(),
        applied_by=shop.staff_member(),
    )


# --- breaches --------------------------------------------------------------------------------


def make_breach(shop, stages=1):
    from breaches.models import Breach

    breach = Breach.objects.create(
        title=f"Lost laptop {next(_seq)}", aware_at=timezone.now(), recorded_by=shop.staff_member()
    )
    grow_breach(shop, breach, stages)
    return breach


def grow_breach(shop, breach, n):
    from breaches.models import BreachNotification

    for _ in range(n):
        BreachNotification.objects.create(
            breach=breach, stage="supplementary", reference="TSV/1", recorded_by=shop.staff_member()
        )
        make_breach_notice(shop, breach)


def make_breach_notice(shop, breach=None):
    from breaches.models import BreachNotice

    return BreachNotice.objects.create(
        breach=breach or make_breach(shop, stages=0),
        customer=make_customer(),
        language="sv",
        sent_by=shop.staff_member(),
    )


# --- api -------------------------------------------------------------------------------------


def make_api_key(shop):
    from api.models import ApiKey

    key = ApiKey(name=f"Shop {next(_seq)}", scopes=["customers:write"], created_by=shop.staff_member())
    key.issue()
    key.save()
    return key


def make_integration(shop, deliveries=1):
    from api.models import Integration

    integration = Integration.objects.create(
        name=f"Shop {next(_seq)}", kind="woocommerce", secret="0123456789abcdef0123"
    )
    grow_integration(shop, integration, deliveries)
    return integration


def grow_integration(shop, integration, n):
    from api.models import WebhookDelivery

    for _ in range(n):
        WebhookDelivery.objects.create(
            integration=integration, topic="order.created", delivery_id=str(next(_seq)), outcome="processed"
        )


def make_webhook_delivery(shop):
    from api.models import WebhookDelivery

    return WebhookDelivery.objects.create(
        integration=make_integration(shop, deliveries=0),
        topic="customer.created",
        delivery_id=str(next(_seq)),
        outcome="processed",
    )


ROWS: dict[str, Rows] = {
    "register.register": Rows(make_full_register, grow_register),
    "register.controller": Rows(make_controller),
    "register.contactperson": Rows(make_contact),
    "register.purpose": Rows(make_purpose),
    "register.datacategory": Rows(make_category, grow_category),
    "register.source": Rows(make_source),
    "register.recipient": Rows(make_recipient),
    "register.cookie": Rows(make_cookie),
    "register.protectionprinciple": Rows(make_protection),
    "register.retentionrule": Rows(make_retention_rule, grow_retention_rule),
    "register.rightschannel": Rows(make_rights_channel),
    "register.identityrule": Rows(make_identity_rule),
    "register.bookkeepingperiod": Rows(make_bookkeeping_period),
    "register.statutoryhold": Rows(make_statutory_hold),
    "register.noticeversion": Rows(make_notice_version),
    "register.purgerun": Rows(make_purge_run, grow_purge_run),
    "register.outboxmessage": Rows(make_outbox_message),
    "auth.user": Rows(make_user, grow_user),
    "auth.group": Rows(make_group, grow_group),
    "staff.failedlogin": Rows(make_failed_login, grow_failed_login),
    "staff.stafflogin": Rows(make_staff_login),
    "staff.authenticatorapp": Rows(make_authenticator_app),
    "customers.customer": Rows(make_customer_row, grow_customer),
    "customers.order": Rows(make_order_row, grow_order),
    "customers.invoice": Rows(make_invoice_row, grow_invoice),
    "customers.payment": Rows(lambda shop: make_payment(make_invoice(make_order()))),
    "customers.return": Rows(lambda shop: make_return(make_order())),
    "customers.consentpurpose": Rows(make_consent_purpose, grow_consent_purpose),
    "customers.consentevent": Rows(lambda shop: make_consent(make_customer())),
    "customers.suppression": Rows(make_suppression),
    "requests.accessreport": Rows(make_access_report, grow_access_report),
    "requests.erasurerecord": Rows(make_erasure_record, grow_erasure_record),
    "requests.legalclaim": Rows(make_legal_claim),
    "requests.recipientnotification": Rows(make_recipient_notification, grow_recipient_notification),
    "requests.rectificationchange": Rows(make_rectification_change),
    "requests.request": Rows(make_request_row, grow_request),
    "requests.requestmessage": Rows(make_request_message),
    "breaches.breach": Rows(make_breach, grow_breach),
    "breaches.breachnotice": Rows(make_breach_notice),
    "api.apikey": Rows(make_api_key),
    "api.integration": Rows(make_integration, grow_integration),
    "api.webhookdelivery": Rows(make_webhook_delivery),
}
