"""Webhooks in: WooCommerce and Shopify tell the register about customers, orders and privacy requests.

Each integration has its own address, named by its public slug (never by its secret):
``/api/v1/webhooks/woocommerce/<slug>/`` and ``/api/v1/webhooks/shopify/<slug>/``.

- The signature is a base64 HMAC-SHA256 of the raw body bytes exactly as received (WooCommerce escapes
  "/" as "\\/": re-serialised JSON would not match), compared in constant time. A bad or missing
  signature gets 401 and writes nothing but the delivery's log line (at most one a minute per integration:
  such deliveries need no secret).
- WooCommerce sends an unsigned form-encoded ping (``webhook_id=N``) when a webhook is saved and
  accepts only 200: it gets 200 and nothing is written.
- A repeated delivery is recognised and answered 200 without doing anything twice: Shopify's by
  ``X-Shopify-Event-Id`` (``X-Shopify-Webhook-Id`` where absent); WooCommerce's by its delivery id with
  a hash of the body, since its delivery id repeats within one second.
- Each delivery is processed in one transaction and logged (topic, delivery id, time, outcome). The body
  is dropped once processed; a malformed one gets 400 and is kept in the log for staff, with nothing of it
  written.
- A deletion in the shop and Shopify's privacy topics file data-subject requests for staff; nothing is
  erased silently.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Callable
from datetime import UTC, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from api.models import FiledRequest, Integration, WebhookDelivery
from customers.models import Customer, Order
from customers.sync import Sync
from register.roles import DATA_PROTECTION_OFFICER
from requests.intake import receive_request
from requests.models import Request

WOO_PING = re.compile(rb"webhook_id=\d+")
Outcome = WebhookDelivery.Outcome


class Malformed(Exception):
    """The body is not what the topic promises; nothing of it is written."""


def sign(secret: str, body: bytes) -> str:
    """The base64 HMAC-SHA256 of ``body`` with ``secret``, as WooCommerce and Shopify send it."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def signature_valid(secret: str, body: bytes, signature: str | None) -> bool:
    return bool(signature) and hmac.compare_digest(sign(secret, body).encode(), signature.strip().encode())


def log_bad_signature(integration: Integration, *, topic: str, delivery_id: str) -> None:
    """Log a refused delivery, at most one a minute per integration: anyone may send them, unsigned."""
    recent = WebhookDelivery.objects.filter(
        integration=integration,
        outcome=Outcome.BAD_SIGNATURE,
        received_at__gte=timezone.now() - timedelta(minutes=1),
    )
    if not recent.exists():
        log(integration, Outcome.BAD_SIGNATURE, topic=topic, delivery_id=delivery_id)


def log(integration: Integration, outcome: str, *, topic: str = "", delivery_id: str = "", **fields) -> None:
    WebhookDelivery.objects.create(
        integration=integration, outcome=outcome, topic=topic[:100], delivery_id=delivery_id[:100], **fields
    )


def process(
    integration: Integration,
    *,
    topic: str,
    delivery_id: str,
    dedup_key: str,
    body: bytes,
    handler: Callable[[Integration, dict, str], str],
) -> HttpResponse:
    """Run ``handler`` on the parsed body once per ``dedup_key``, in one transaction, and log it."""
    if WebhookDelivery.objects.filter(integration=integration, dedup_key=dedup_key).exists():
        log(integration, Outcome.DUPLICATE, topic=topic, delivery_id=delivery_id)
        return JsonResponse({"outcome": Outcome.DUPLICATE})
    try:
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            try:
                payload = json.loads(body)
            except (UnicodeDecodeError, ValueError) as exc:
                raise Malformed(_("The body is not JSON.")) from exc
            if not isinstance(payload, dict):
                raise Malformed(_("The body is not a JSON object."))
            try:
                detail = handler(integration, payload, topic)
            except ValidationError as exc:
                messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                raise Malformed(
                    "; ".join(f"{k}: {' '.join(v)}".strip(": ") for k, v in messages.items())
                ) from exc
            except (KeyError, TypeError, AttributeError, InvalidOperation) as exc:
                raise Malformed(
                    _("A field is missing or has the wrong type: %(error)s") % {"error": exc}
                ) from exc
            log(
                integration,
                Outcome.PROCESSED,
                topic=topic,
                delivery_id=delivery_id,
                dedup_key=dedup_key,
                detail=detail,
            )
    except Malformed as exc:
        log(
            integration,
            Outcome.MALFORMED,
            topic=topic,
            delivery_id=delivery_id,
            detail=str(exc),
            body=body.decode("utf-8", errors="replace"),
        )
        return JsonResponse({"outcome": Outcome.MALFORMED, "detail": str(exc)}, status=400)
    except IntegrityError:
        # The same delivery arrived twice at once and the other one got there first.
        if not WebhookDelivery.objects.filter(integration=integration, dedup_key=dedup_key).exists():
            raise
        log(integration, Outcome.DUPLICATE, topic=topic, delivery_id=delivery_id)
        return JsonResponse({"outcome": Outcome.DUPLICATE})
    return JsonResponse({"outcome": Outcome.PROCESSED})


def moment(value: Any):
    """An aware datetime from an ISO 8601 string; a time without offset is taken as UTC."""
    if not value:
        return None
    parsed = parse_datetime(str(value))
    if parsed is None:
        raise ValidationError({"date": [_("%(value)s is not a date and time.") % {"value": value}]})
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)


def amount(value: Any) -> Decimal:
    return Decimal(str(value or "0"))


def file_request(
    integration: Integration, *, kind: str, customer: Customer | None, email: str = "", **fields
) -> Request:
    """File a request received through the shop, for staff, and remember which integration filed it."""
    req = receive_request(
        kind=kind,
        received_via=Request.Channel.SHOP,
        language=customer.language if customer else settings.LANGUAGE_CODE[:2],
        email=customer.email if customer and customer.email else (email or ""),
        name=customer.full_name if customer else fields.pop("name", ""),
        customer_number=customer.customer_number if customer else "",
        change_reason=integration.actor,
        **fields,
    )
    FiledRequest.objects.create(request=req, integration=integration)
    return req


def known_customer(external_id: Any) -> Customer | None:
    if external_id in (None, "", 0, "0"):
        return None
    return Customer.objects.filter(external_id=str(external_id)).first()


# --- WooCommerce (REST API v3 resources) -------------------------------------------------------

WOO_STATUS = {
    "pending": Order.Status.PENDING,
    "on-hold": Order.Status.PENDING,
    "processing": Order.Status.PAID,
    "completed": Order.Status.SHIPPED,
    "cancelled": Order.Status.CANCELLED,
    "refunded": Order.Status.CANCELLED,
    "failed": Order.Status.CANCELLED,
}


def woo_customer_data(resource: dict) -> dict:
    billing = resource.get("billing") or {}
    return {
        "external_id": str(resource["id"]) if resource.get("id") else "",
        "email": resource.get("email") or billing.get("email") or "",
        "first_name": resource.get("first_name") or billing.get("first_name") or "",
        "last_name": resource.get("last_name") or billing.get("last_name") or "",
        "company": billing.get("company") or "",
        "phone": billing.get("phone") or "",
        "street_address": " ".join(p for p in (billing.get("address_1"), billing.get("address_2")) if p),
        "postal_code": billing.get("postcode") or "",
        "city": billing.get("city") or "",
        "country": billing.get("country") or "",
        "username": resource.get("username") or "",
    }


def woo_customer(integration: Integration, resource: dict, topic: str) -> str:
    sync = Sync(integration.actor)
    if topic == "customer.deleted":
        customer = known_customer(resource["id"])
        if customer is None:
            return _("No customer has this shop customer ID; nothing to do.")
        req = file_request(
            integration,
            kind=Request.Kind.ERASURE,
            customer=customer,
            message=_(
                "The shop deleted customer account %(id)s (WooCommerce customer.deleted). Check whether "
                "the customer asked for erasure, then handle it as any erasure request."
            )
            % {"id": resource["id"]},
        )
        return f"{req.number}"
    result = sync.customer(woo_customer_data(resource))
    return result.summary


def woo_order(integration: Integration, resource: dict, topic: str) -> str:
    sync = Sync(integration.actor)
    billing = resource.get("billing") or {}
    shipping = resource.get("shipping") or {}
    customer = known_customer(resource.get("customer_id"))
    if customer is None:
        guest = woo_customer_data({"billing": billing, "id": resource.get("customer_id") or ""})
        if not guest["email"]:
            raise ValidationError(
                {"billing.email": [_("An order without a customer needs a billing email.")]}
            )
        customer = sync.customer(guest).obj
    number = str(resource.get("number") or resource["id"])
    placed = moment(resource.get("date_created_gmt") or resource.get("date_created"))
    data = {
        "number": number,
        "status": WOO_STATUS.get(resource.get("status"), Order.Status.PENDING),
        "placed_at": placed,
        "total": amount(resource.get("total")),
        "currency": resource.get("currency") or "EUR",
        "delivery_name": " ".join(p for p in (shipping.get("first_name"), shipping.get("last_name")) if p),
        "delivery_street": " ".join(p for p in (shipping.get("address_1"), shipping.get("address_2")) if p),
        "delivery_postal_code": shipping.get("postcode") or "",
        "delivery_city": shipping.get("city") or "",
        "delivery_country": shipping.get("country") or "",
        "delivery_phone": shipping.get("phone") or "",
        "lines": [
            {
                "sku": line.get("sku") or "",
                "product_name": line["name"],
                "quantity": int(line.get("quantity") or 1),
                "unit_price": amount(line.get("price")).quantize(Decimal("0.01")),
            }
            for line in resource.get("line_items") or []
        ],
    }
    if resource.get("date_completed_gmt") and data["status"] == Order.Status.SHIPPED:
        data["status"] = Order.Status.DELIVERED
        data["delivered_at"] = moment(resource["date_completed_gmt"])
    paid_at = moment(resource.get("date_paid_gmt") or resource.get("date_paid"))
    if paid_at is not None:
        data["invoice"] = {
            "number": f"WC-{number}",
            "issued_at": placed,
            "amount": data["total"],
            "vat_amount": amount(resource.get("total_tax")),
            "currency": data["currency"],
            "billing_name": " ".join(p for p in (billing.get("first_name"), billing.get("last_name")) if p),
            "payments": [
                {
                    "paid_at": paid_at,
                    "amount": data["total"],
                    "method": "other",
                    "reference": str(resource.get("transaction_id") or ""),
                }
            ],
        }
    result = sync.order(data, customer=customer)
    return (
        f"{result.obj.number} {'created' if result.created else 'changed' if result.changed else 'unchanged'}"
    )


WOO_TOPICS = {
    "customer.created": woo_customer,
    "customer.updated": woo_customer,
    "customer.deleted": woo_customer,
    "order.created": woo_order,
    "order.updated": woo_order,
}


@csrf_exempt
@require_POST
def woocommerce(request: HttpRequest, slug: str) -> HttpResponse:
    integration = get_object_or_404(Integration, slug=slug, kind=Integration.Kind.WOOCOMMERCE, active=True)
    body = request.body
    signature = request.headers.get("X-WC-Webhook-Signature")
    if signature is None and WOO_PING.fullmatch(body.strip()):
        # Saving a webhook in WooCommerce sends this unsigned ping and wants a 200; nothing is written.
        return HttpResponse(status=200)
    topic = request.headers.get("X-WC-Webhook-Topic", "")
    delivery_id = request.headers.get("X-WC-Webhook-Delivery-ID", "")
    if not signature_valid(integration.secret, body, signature):
        log_bad_signature(integration, topic=topic, delivery_id=delivery_id)
        return JsonResponse({"detail": _("Bad or missing signature.")}, status=401)
    source = urlsplit(request.headers.get("X-WC-Webhook-Source", "")).hostname or ""
    if integration.shop_domain and source.lower() != integration.shop_domain:
        log(integration, Outcome.REFUSED, topic=topic, delivery_id=delivery_id, detail=source)
        return JsonResponse({"detail": _("This delivery comes from another shop.")}, status=401)
    if topic not in WOO_TOPICS:
        log(integration, Outcome.IGNORED, topic=topic, delivery_id=delivery_id)
        return JsonResponse({"outcome": Outcome.IGNORED})
    return process(
        integration,
        topic=topic,
        delivery_id=delivery_id,
        dedup_key=f"{delivery_id}:{hashlib.sha256(body).hexdigest()}",
        body=body,
        handler=WOO_TOPICS[topic],
    )


# --- Shopify -----------------------------------------------------------------------------------


def shopify_customer_data(resource: dict) -> dict:
    address = resource.get("default_address") or {}
    return {
        "external_id": str(resource["id"]),
        "email": resource.get("email") or "",
        "first_name": resource.get("first_name") or "",
        "last_name": resource.get("last_name") or "",
        "company": address.get("company") or "",
        "phone": resource.get("phone") or address.get("phone") or "",
        "street_address": " ".join(p for p in (address.get("address1"), address.get("address2")) if p),
        "postal_code": address.get("zip") or "",
        "city": address.get("city") or "",
        "country": address.get("country_code") or "",
    }


def shopify_customer(integration: Integration, resource: dict, topic: str) -> str:
    result = Sync(integration.actor).customer(shopify_customer_data(resource))
    return result.summary


def shopify_status(resource: dict) -> str:
    if resource.get("cancelled_at"):
        return Order.Status.CANCELLED
    if resource.get("fulfillment_status") == "fulfilled":
        return Order.Status.SHIPPED
    if resource.get("financial_status") in {"paid", "partially_refunded", "refunded", "partially_paid"}:
        return Order.Status.PAID
    return Order.Status.PENDING


def shopify_order(integration: Integration, resource: dict, topic: str) -> str:
    sync = Sync(integration.actor)
    buyer = resource.get("customer") or {}
    if buyer.get("id"):
        customer = sync.customer(
            shopify_customer_data({**buyer, "email": buyer.get("email") or resource.get("email")})
        )
    elif resource.get("email"):
        customer = sync.customer({"email": resource["email"]})
    else:
        raise ValidationError({"customer": [_("An order without a customer needs an email.")]})
    shipping = resource.get("shipping_address") or {}
    data = {
        "number": str(resource.get("name") or resource["id"]),
        "status": shopify_status(resource),
        "placed_at": moment(resource.get("created_at")),
        "total": amount(resource.get("total_price")),
        "currency": resource.get("currency") or "EUR",
        "delivery_name": shipping.get("name") or "",
        "delivery_street": " ".join(p for p in (shipping.get("address1"), shipping.get("address2")) if p),
        "delivery_postal_code": shipping.get("zip") or "",
        "delivery_city": shipping.get("city") or "",
        "delivery_country": shipping.get("country_code") or "",
        "delivery_phone": shipping.get("phone") or "",
        "lines": [
            {
                "sku": line.get("sku") or "",
                "product_name": line.get("title") or line["name"],
                "quantity": int(line.get("quantity") or 1),
                "unit_price": amount(line.get("price")),
            }
            for line in resource.get("line_items") or []
        ],
    }
    result = sync.order(data, customer=customer.obj)
    return (
        f"{result.obj.number} {'created' if result.created else 'changed' if result.changed else 'unchanged'}"
    )


def _check_shop(integration: Integration, payload: dict) -> None:
    if str(payload.get("shop_domain", "")).lower() != integration.shop_domain:
        raise ValidationError({"shop_domain": [_("The body names another shop.")]})


def shopify_data_request(integration: Integration, payload: dict, topic: str) -> str:
    _check_shop(integration, payload)
    person = payload["customer"]
    orders = ", ".join(str(o) for o in payload.get("orders_requested") or [])
    req = file_request(
        integration,
        kind=Request.Kind.ACCESS,
        customer=known_customer(person.get("id")),
        email=person.get("email") or "",
        message=_("Shopify customers/data_request %(id)s. Orders requested: %(orders)s.")
        % {"id": (payload.get("data_request") or {}).get("id", ""), "orders": orders or "-"},
    )
    req.verify(
        by=None,
        method=Request.VerificationMethod.CUSTOMER_ACCOUNT,
        note=_("The customer asked through their Shopify shop account."),
    )
    return req.number


def shopify_customer_redact(integration: Integration, payload: dict, topic: str) -> str:
    _check_shop(integration, payload)
    person = payload["customer"]
    orders = [str(o) for o in payload.get("orders_to_redact") or []]
    req = file_request(
        integration,
        kind=Request.Kind.ERASURE,
        customer=known_customer(person.get("id")),
        email=person.get("email") or "",
        message=_("Shopify customers/redact: erase the customer and these orders: %(orders)s.")
        % {"orders": ", ".join(orders) or "-"},
    )
    return req.number


def shopify_shop_redact(integration: Integration, payload: dict, topic: str) -> str:
    _check_shop(integration, payload)
    dpo = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=DATA_PROTECTION_OFFICER)
        .order_by("id")
        .first()
    )
    req = file_request(
        integration,
        kind=Request.Kind.ERASURE,
        customer=None,
        name=integration.shop_domain,
        assignee=dpo,
        message=_(
            "Shopify shop/redact: the shop %(shop)s removed the app 48 hours ago. Erase what the "
            "register received from this shop unless a law requires keeping it."
        )
        % {"shop": integration.shop_domain},
    )
    return req.number


SHOPIFY_TOPICS = {
    "customers/data_request": shopify_data_request,
    "customers/redact": shopify_customer_redact,
    "shop/redact": shopify_shop_redact,
    "customers/create": shopify_customer,
    "customers/update": shopify_customer,
    "orders/create": shopify_order,
    "orders/updated": shopify_order,
}


@csrf_exempt
@require_POST
def shopify(request: HttpRequest, slug: str) -> HttpResponse:
    integration = get_object_or_404(Integration, slug=slug, kind=Integration.Kind.SHOPIFY, active=True)
    body = request.body
    topic = request.headers.get("X-Shopify-Topic", "")
    delivery_id = (
        request.headers.get("X-Shopify-Event-Id") or request.headers.get("X-Shopify-Webhook-Id") or ""
    )
    if not signature_valid(integration.secret, body, request.headers.get("X-Shopify-Hmac-Sha256")):
        log_bad_signature(integration, topic=topic, delivery_id=delivery_id)
        return JsonResponse({"detail": _("Bad or missing signature.")}, status=401)
    shop = request.headers.get("X-Shopify-Shop-Domain", "").strip().lower()
    if shop != integration.shop_domain or topic not in SHOPIFY_TOPICS:
        log(integration, Outcome.REFUSED, topic=topic, delivery_id=delivery_id, detail=shop)
        return JsonResponse(
            {"detail": _("This delivery is for another shop or an unknown topic.")}, status=401
        )
    return process(
        integration,
        topic=topic,
        delivery_id=delivery_id,
        dedup_key=delivery_id or hashlib.sha256(body).hexdigest(),
        body=body,
        handler=SHOPIFY_TOPICS[topic],
    )
