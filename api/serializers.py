"""What the API accepts and answers; the OpenAPI schema (openapi.json) is generated from these."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from customers.models import ConsentEvent, Order, Payment
from register.translation import Language
from requests.models import Request

MAX_BATCH = 1000


class CustomerRef(serializers.Serializer):
    external_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)

    def validate(self, attrs):
        if not attrs.get("external_id") and not attrs.get("email"):
            raise serializers.ValidationError({"external_id": _("Send the shop customer ID or an email.")})
        return attrs


class CustomerIn(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=64, required=False, allow_blank=True, help_text="The customer's id in the shop."
    )
    customer_number = serializers.CharField(
        max_length=32, required=False, help_text="Only for a new customer; default: generated."
    )
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    company = serializers.CharField(max_length=200, required=False, allow_blank=True)
    business_id = serializers.CharField(max_length=32, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    street_address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=16, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    username = serializers.CharField(max_length=150, required=False, allow_blank=True)

    def validate(self, attrs):
        if not attrs.get("external_id") and not attrs.get("email"):
            raise serializers.ValidationError({"external_id": _("Send the shop customer ID or an email.")})
        return attrs


class CustomerOut(serializers.Serializer):
    customer_number = serializers.CharField()
    external_id = serializers.CharField()
    created = serializers.BooleanField()
    changed = serializers.BooleanField()


class LineIn(serializers.Serializer):
    sku = serializers.CharField(max_length=64, required=False, allow_blank=True)
    product_name = serializers.CharField(max_length=200)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    vat_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )


class PaymentIn(serializers.Serializer):
    paid_at = serializers.DateTimeField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    method = serializers.ChoiceField(choices=Payment.Method.choices, required=False)
    reference = serializers.CharField(max_length=64, required=False, allow_blank=True)


class InvoiceIn(serializers.Serializer):
    number = serializers.CharField(max_length=32)
    issued_at = serializers.DateTimeField(required=False)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    vat_amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False)
    billing_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    billing_address = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    due_on = serializers.DateField(required=False, allow_null=True)
    payments = PaymentIn(many=True, required=False, max_length=100)


class OrderIn(serializers.Serializer):
    number = serializers.CharField(max_length=32)
    customer = CustomerRef()
    status = serializers.ChoiceField(choices=Order.Status.choices, required=False)
    placed_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(required=False, allow_null=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False)
    delivery_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    delivery_street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    delivery_postal_code = serializers.CharField(max_length=16, required=False, allow_blank=True)
    delivery_city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    delivery_country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, allow_blank=True)
    delivery_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    carrier = serializers.CharField(max_length=100, required=False, allow_blank=True)
    controller = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Business ID or name of the controller that sold the order; default: the main one.",
    )
    lines = LineIn(many=True, required=False, max_length=500)
    invoice = InvoiceIn(required=False)


class OrderOut(serializers.Serializer):
    number = serializers.CharField()
    customer_number = serializers.CharField()
    created = serializers.BooleanField()
    changed = serializers.BooleanField()


class BatchIn(serializers.Serializer):
    customers = CustomerIn(many=True, required=False, max_length=MAX_BATCH)
    orders = OrderIn(many=True, required=False, max_length=MAX_BATCH)

    def validate(self, attrs):
        if len(attrs.get("customers", [])) + len(attrs.get("orders", [])) > MAX_BATCH:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Send at most %(max)d records in one batch.") % {"max": MAX_BATCH}]}
            )
        return attrs


class BatchOut(serializers.Serializer):
    customers = CustomerOut(many=True)
    orders = OrderOut(many=True)


# The channels the shop's systems may name: the register's own (staff in the admin, the CSV import, a
# data-subject request) are recorded only by the register's code, so the ledger's evidence says who wrote it.
SHOP_CHANNELS = [
    (value, label)
    for value, label in ConsentEvent.Via.choices
    if value not in {ConsentEvent.Via.STAFF, ConsentEvent.Via.IMPORT, ConsentEvent.Via.REQUEST}
]


class ConsentIn(serializers.Serializer):
    customer = CustomerRef()
    purpose = serializers.SlugField(max_length=64)
    action = serializers.ChoiceField(choices=ConsentEvent.Action.choices)
    occurred_at = serializers.DateTimeField(required=False)
    channel = serializers.ChoiceField(
        choices=SHOP_CHANNELS,
        help_text="How the customer gave or withdrew consent at the shop (staff, import and request are the "
        "register's own channels).",
    )
    evidence = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    global_privacy_control = serializers.BooleanField(
        required=False, default=False, help_text="The browser sent Sec-GPC: 1 when the shop recorded this."
    )
    notice_version = serializers.IntegerField(
        required=False, min_value=1, help_text="Default: the privacy notice in force at occurred_at."
    )


class ConsentOut(serializers.Serializer):
    id = serializers.IntegerField()
    customer_number = serializers.CharField()
    purpose = serializers.CharField()
    action = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    notice_version = serializers.IntegerField(allow_null=True)


class MarketingQuery(serializers.Serializer):
    purpose = serializers.SlugField(max_length=64)


class MarketingOut(serializers.Serializer):
    purpose = serializers.CharField()
    marketable = serializers.BooleanField()


class RequestIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Request.Kind.choices)
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    customer = CustomerRef(required=False)
    order_number = serializers.CharField(max_length=50, required=False, allow_blank=True)
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    rectification_wrong = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    rectification_correct = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    withdrawal_purposes = serializers.ListField(
        child=serializers.SlugField(max_length=64), required=False, max_length=50
    )


class RequestOut(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    received_at = serializers.DateTimeField()
    due_date = serializers.DateField()
    verified = serializers.BooleanField()


class ErrorOut(serializers.Serializer):
    detail = serializers.CharField()
