"""Orders, invoices, payments and returns in the admin."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.admin.common import (
    CurrencyFilter,
    DeliveryCountryFilter,
    SensitiveFieldsMixin,
    restriction_banner,
)
from customers.models import (
    Invoice,
    Order,
    OrderLine,
    Payment,
    Return,
)
from register.admin_base import HistoryAdmin, NoDeleteAdminMixin, TabularInline
from register.models import Controller

# --- Orders and bookkeeping --------------------------------------------------------------------


class OrderLineInline(NoDeleteAdminMixin, TabularInline):
    model = OrderLine
    extra = 0
    fields = ("sku", "product_name", "quantity", "unit_price", "vat_rate")


class InvoiceInline(NoDeleteAdminMixin, TabularInline):
    model = Invoice
    extra = 0
    fields = ("number", "issued_at", "amount", "vat_amount", "currency")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(NoDeleteAdminMixin, HistoryAdmin):
    list_display = (
        "number",
        "customer",
        "placed_at",
        "status",
        "total",
        "currency",
        "carrier",
        "controller",
        "purge_after",
    )
    list_filter = ("status", "controller", CurrencyFilter, DeliveryCountryFilter)
    list_select_related = ("customer", "controller")
    search_fields = ("number",)
    search_help_text = _("Exact order number or customer number.")
    raw_id_fields = ("customer",)
    ordering = ("-placed_at", "-id")
    readonly_fields = ("purge_after",)
    # Declared, the form is built once per page (without, Django builds it a second time to list the fields).
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("number", "status"),
                    "customer",
                    "controller",
                    ("placed_at", "delivered_at"),
                    ("total", "currency"),
                    "carrier",
                    "purge_after",
                )
            },
        ),
        (
            _("Delivery address"),
            {
                "fields": (
                    "delivery_name",
                    "delivery_street",
                    ("delivery_postal_code", "delivery_city"),
                    "delivery_country",
                    "delivery_phone",
                )
            },
        ),
    )
    inlines = (OrderLineInline, InvoiceInline)
    actions = ("mark_shipped", "mark_delivered", "cancel_orders")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "controller":
            # The seller is one of the current register's controllers (docs/staff.md).
            kwargs["queryset"] = Controller.objects.filter(register__is_current=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The order the change view read: reading it again for the banner cost a query.
        if obj is not None:
            restriction_banner(self, request, obj.customer)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(Q(number=term) | Q(customer__customer_number=term)), False

    @admin.action(description=_("Mark as shipped"), permissions=["change"])
    def mark_shipped(self, request, queryset):
        for order in queryset:
            order.mark_shipped()
        self.message_user(request, _("Orders marked as shipped."), messages.SUCCESS)

    @admin.action(description=_("Mark as delivered"), permissions=["change"])
    def mark_delivered(self, request, queryset):
        for order in queryset:
            order.mark_delivered()
        self.message_user(request, _("Orders marked as delivered."), messages.SUCCESS)

    @admin.action(description=_("Cancel orders"), permissions=["change"])
    def cancel_orders(self, request, queryset):
        cancelled, refused = 0, 0
        for order in queryset:
            try:
                order.cancel()
                cancelled += 1
            except ValueError:
                refused += 1
        self.message_user(
            request,
            _("%(cancelled)d order(s) cancelled, %(refused)d could not be cancelled.")
            % {"cancelled": cancelled, "refused": refused},
            messages.SUCCESS if not refused else messages.WARNING,
        )


class PaymentInline(NoDeleteAdminMixin, TabularInline):
    model = Payment
    extra = 0
    fields = ("paid_at", "amount", "method", "reference")


@admin.register(Invoice)
class InvoiceAdmin(NoDeleteAdminMixin, HistoryAdmin):
    list_display = ("number", "order", "issued_at", "due_on", "amount", "vat_amount", "currency")
    list_select_related = ("order",)
    search_fields = ("number",)
    raw_id_fields = ("order",)
    inlines = (PaymentInline,)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(Q(number=term) | Q(order__number=term)), False


@admin.register(Payment)
class PaymentAdmin(NoDeleteAdminMixin, HistoryAdmin):
    list_display = ("invoice", "paid_at", "amount", "method", "reference")
    list_filter = ("method",)
    list_select_related = ("invoice",)
    raw_id_fields = ("invoice",)
    search_fields = ("reference",)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(Q(reference=term) | Q(invoice__number=term)), False


@admin.register(Return)
class ReturnAdmin(NoDeleteAdminMixin, SensitiveFieldsMixin, HistoryAdmin):
    list_display = ("id", "order", "returned_at", "status", "refund_amount", "refund_account")
    list_filter = ("status",)
    list_select_related = ("order",)
    # What the list's rows show: a page read the whole return and its whole order, 200 wide rows.
    list_columns = ("order__number", "returned_at", "status", "refund_amount", "refund_account")
    raw_id_fields = ("order",)
    search_fields = ("order__number",)
    search_help_text = _("Exact order number.")
    fieldsets = (
        (None, {"fields": ("order", "returned_at", "status", "reason", "refund_amount", "refund_account")}),
    )
    actions = ("mark_received", "mark_refunded", "reject")

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # The customer page links here with ?customer=<pk> (earlier with ?order__customer=<pk>).
        if lookup in {"customer", "customer__exact", "order__customer", "order__customer__exact"}:
            return True
        return super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(order__number=term), False

    @admin.display(description=_("refund account"))
    def masked_refund_account(self, obj: Return) -> str:
        return obj.masked_refund_account

    @admin.action(description=_("Mark as received"), permissions=["change"])
    def mark_received(self, request, queryset):
        for item in queryset:
            item.mark_received()
        self.message_user(request, _("Returns marked as received."), messages.SUCCESS)

    @admin.action(description=_("Mark as refunded"), permissions=["change"])
    def mark_refunded(self, request, queryset):
        for item in queryset:
            item.mark_refunded()
        self.message_user(request, _("Returns marked as refunded."), messages.SUCCESS)

    @admin.action(description=_("Reject returns"), permissions=["change"])
    def reject(self, request, queryset):
        for item in queryset:
            item.reject()
        self.message_user(request, _("Returns rejected."), messages.SUCCESS)
