"""The customers' admin: the list with its filters and search, the change page and its actions."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from customers.admin.common import (
    CountryFilter,
    SensitiveFieldsMixin,
    _admin_url,
    lift_notice_sent_at,
    restriction_banner,
)
from customers.contacts import normalize_email, normalize_phone
from customers.forms import MarketingExportForm, StaffConsentForm
from customers.models import (
    ConsentEvent,
    ConsentPurpose,
    Customer,
    Order,
    Return,
    record_marketing_objection,
)
from customers.unsubscribe import customer_links, marketing_csv_lines
from register.admin_base import HistoryAdmin, NoDeleteAdminMixin
from register.compiled_reads import CompiledRead
from register.events import EventType, queue_event

logger = logging.getLogger("customers.admin")

# Who records a consent or opt-out received by phone, letter or in the shop (the ledger's add
# permission; ConsentEventAdmin itself stays read-only), and who exports marketing lists.
RECORD_CONSENT_PERMISSION = "customers.add_consentevent"
EXPORT_MARKETING_PERMISSION = "customers.export_marketing_list"

# The change page lists this many recent orders, returns and consent events, then links to the
# full filtered list, so a customer with thousands of orders still opens at once.
RECENT_ROWS = 10


def _change_url(model) -> Callable[[int], str]:
    """The address of a row's change page: the URL pattern reversed once for a whole table of rows."""
    pattern = _admin_url(model, "change", "__pk__")
    return lambda pk: pattern.replace("__pk__", str(pk), 1)


def _short_datetime() -> Callable[[datetime], str]:
    """``date_format(localtime(value), "SHORT_DATETIME_FORMAT")``, the format looked up once."""
    pattern = get_format("SHORT_DATETIME_FORMAT")
    return lambda value: dateformat.format(localtime(value), pattern)


def _choice_labels(model, field: str) -> Callable[[str], str]:
    """A choice field's label for a value, as ``get_<field>_display()`` gives it."""
    labels = dict(model._meta.get_field(field).flatchoices)
    return lambda value: labels.get(value, value)


def consent_overview(customer: Customer) -> list:
    """``customer.consent_overview()``, read once for the change page's consent and unsubscribe parts."""
    if "_consent_overview" not in customer.__dict__:
        customer.__dict__["_consent_overview"] = customer.consent_overview()
    return customer.__dict__["_consent_overview"]


def _customer_returns(customer_id: int) -> QuerySet:
    """The customer's returns, newest first: one walk of the returns' (customer, time) index, whatever the
    number of the customer's orders (each return keeps its order's customer)."""
    return Return.objects.filter(customer_id=customer_id).order_by("-returned_at", "-id")


def _latest_orders_and_returns(customer_id: int) -> QuerySet:
    """The customer's latest orders and returns in one query (PostgreSQL allows a limit in each part of a
    UNION); a last column tells an order (True) from a return."""
    orders = Order.objects.filter(customer_id=customer_id).order_by("-placed_at", "-id")
    return orders.values_list(*ORDER_COLUMNS, Value(True))[:RECENT_ROWS].union(
        _customer_returns(customer_id).values_list(*RETURN_COLUMNS, Value(""), Value(False))[:RECENT_ROWS],
        all=True,
    )


_LATEST_ORDERS_AND_RETURNS = CompiledRead(_latest_orders_and_returns)


def _latest_consent_events(customer_id: int) -> QuerySet:
    """The customer's latest ledger events (the ledger's order, newest first)."""
    return ConsentEvent.objects.filter(customer_id=customer_id).values_list(
        "occurred_at", "purpose_id", "action", "via"
    )[:RECENT_ROWS]


_LATEST_CONSENT_EVENTS = CompiledRead(_latest_consent_events)


ORDER_COLUMNS = ("pk", "number", "placed_at", "status", "total", "currency")
RETURN_COLUMNS = ("pk", "order__number", "returned_at", "status", "refund_amount")


def latest_orders_and_returns(customer: Customer) -> tuple[list[tuple], list[tuple]]:
    """The customer's latest orders and returns as values, read once per request.

    Orders are rows of ``ORDER_COLUMNS``, returns of ``RETURN_COLUMNS``, each newest first. Where the
    database allows a limit in each part of a UNION (PostgreSQL), both come in one query, its SQL compiled
    once per process.
    """
    if "_latest_orders_and_returns" in customer.__dict__:
        return customer.__dict__["_latest_orders_and_returns"]
    if connection.features.supports_slicing_ordering_in_compound:
        # A last column tells an order (True) from a return; a return's rows are one column shorter.
        rows = _LATEST_ORDERS_AND_RETURNS.values(customer.pk)
        latest = (
            sorted((row[:-1] for row in rows if row[-1]), key=_newest_first),
            sorted((row[:-2] for row in rows if not row[-1]), key=_newest_first),
        )
    else:
        orders = Order.objects.filter(customer_id=customer.pk).order_by("-placed_at", "-id")
        returns = _customer_returns(customer.pk)
        latest = (
            list(orders.values_list(*ORDER_COLUMNS)[:RECENT_ROWS]),
            list(returns.values_list(*RETURN_COLUMNS)[:RECENT_ROWS]),
        )
    customer.__dict__["_latest_orders_and_returns"] = latest
    return latest


def _newest_first(row: tuple) -> tuple:
    # (id, …, time, …): a UNION keeps no order of its parts, so each part is put back in its own.
    return (-row[2].timestamp(), -row[0])


# --- Customer list filters ---------------------------------------------------------------------


class ConsentFilter(admin.SimpleListFilter):
    title = _("consent")
    parameter_name = "consent"
    STATES = {
        "granted": _("granted"),
        "withdrawn": _("withdrawn"),
        "none": _("never asked"),
        "marketable": _("may receive marketing now"),
    }

    def lookups(self, request, model_admin):
        return [
            (f"{code}:{state}", f"{purpose}: {label}")
            for purpose in ConsentPurpose.objects.all()
            for code in [purpose.code]
            for state, label in self.STATES.items()
        ]

    def queryset(self, request, queryset):
        if not self.value() or ":" not in self.value():
            return queryset
        code, state = self.value().rsplit(":", 1)
        annotated = queryset.with_consent_state(code)
        if state == "granted":
            return annotated.filter(consent_action=ConsentEvent.Action.GRANTED)
        if state == "withdrawn":
            return annotated.filter(consent_action=ConsentEvent.Action.WITHDRAWN)
        if state == "none":
            return annotated.filter(consent_action__isnull=True)
        if state == "marketable":
            return queryset.marketable(code)
        return queryset


class YesNoFilter(admin.SimpleListFilter):
    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def condition(self) -> Q:
        raise NotImplementedError

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.condition())
        if self.value() == "no":
            return queryset.exclude(self.condition())
        return queryset


class RestrictedFilter(YesNoFilter):
    title = _("restricted (Art. 18)")
    parameter_name = "restricted"

    def condition(self) -> Q:
        return Q(restricted_at__isnull=False)


class ErasedFilter(YesNoFilter):
    title = _("erased")
    parameter_name = "erased"

    def condition(self) -> Q:
        return Q(erased_at__isnull=False)


class HasOrdersFilter(YesNoFilter):
    title = _("has orders")
    parameter_name = "has_orders"

    def condition(self) -> Q:
        return Q(Exists(Order.objects.filter(customer=OuterRef("pk"))))


@admin.register(Customer)
class CustomerAdmin(NoDeleteAdminMixin, SensitiveFieldsMixin, HistoryAdmin):
    list_display = (
        "customer_number",
        "last_name",
        "first_name",
        "email",
        "phone",
        "country",
        "language",
        "identity_number",
        "is_restricted",
        "created_at",
    )
    list_filter = (
        CountryFilter,
        "language",
        ConsentFilter,
        RestrictedFilter,
        HasOrdersFilter,
        ErasedFilter,
    )
    search_fields = ("customer_number",)  # shows the search box; get_search_results does the work
    search_help_text = _(
        "Exact customer number, order number, full email or phone number; or the beginning of a name."
    )
    list_per_page = 50
    ordering = ("-created_at", "-id")
    readonly_fields = (
        "created_at",
        "restricted_at",
        "erased_at",
        "erasure_mode",
        "recent_orders",
        "recent_returns",
        "consents",
    )
    fieldsets = (
        (
            None,
            {"fields": ("customer_number", "external_id", "first_name", "last_name", "language", "gender")},
        ),
        (_("Contact"), {"fields": ("email", "phone", "street_address", "postal_code", "city", "country")}),
        (
            _("Company and identifiers"),
            {"fields": ("company", "business_id", "identity_number", "bank_account", "homepage", "username")},
        ),
        (
            _("Relationship and restriction"),
            {
                "fields": (
                    "created_at",
                    "last_activity_at",
                    "relationship_ended_at",
                    "restricted_at",
                    "restriction_reason",
                    ("erased_at", "erasure_mode"),
                )
            },
        ),
        (_("Consents"), {"fields": ("consents",)}),
        (_("Orders and returns"), {"fields": ("recent_orders", "recent_returns")}),
    )
    actions = ("restrict_processing", "lift_restriction", "record_objection")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        customer = self.get_object(request, object_id)
        if customer is not None:
            restriction_banner(self, request, customer)
        extra_context = {
            **(extra_context or {}),
            "can_record_consent": self.has_record_consent_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_export_marketing": request.user.has_perm(EXPORT_MARKETING_PERMISSION),
        }
        return super().changelist_view(request, extra_context)

    def get_object(self, request, object_id, from_field=None):
        # The banner above and Django's change view read the same customer: once per request.
        loaded = request.__dict__.setdefault("_customer_objects", {})
        key = (object_id, from_field)
        if key not in loaded:
            loaded[key] = super().get_object(request, object_id, from_field)
        return loaded[key]

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and request.user.has_perm(EXPORT_MARKETING_PERMISSION):
            fieldsets.append((_("Unsubscribe links"), {"fields": ("unsubscribe_links",)}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and request.user.has_perm(EXPORT_MARKETING_PERMISSION):
            readonly.append("unsubscribe_links")
        return readonly

    @admin.display(description=_("unsubscribe links"))
    def unsubscribe_links(self, obj: Customer) -> str:
        """Each marketing purpose's link and RFC 8058 header values, for a message sent by hand."""
        if obj.pk is None or obj.is_erased:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td><code>{}</code><br><code>List-Unsubscribe: {}</code><br>"
            "<code>List-Unsubscribe-Post: {}</code></td></tr>",
            (
                (link["purpose"], link["url"], link["list_unsubscribe"], link["list_unsubscribe_post"])
                for link in customer_links(obj, [purpose for purpose, _granted in consent_overview(obj)])
            ),
        )
        return format_html(
            "<table>{}</table><p>{}</p>",
            rows,
            _(
                "Put the link in every marketing message for the purpose and the two headers on it "
                "(one-click unsubscribe, RFC 8058). The link never expires."
            ),
        )

    def has_record_consent_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request) and request.user.has_perm(RECORD_CONSENT_PERMISSION)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/consent/",
                wrap(self.record_consent_view),
                name="customers_customer_record_consent",
            ),
            path(
                "marketing-list/",
                wrap(self.marketing_export_view),
                name="customers_customer_marketing_list",
            ),
            *super().get_urls(),
        ]

    def _page(self, request: HttpRequest, title: str, **context) -> TemplateResponse:
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context}
        return TemplateResponse(request, "admin/customers/customer/action_form.html", context)

    def record_consent_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Append a consent or opt-out received by phone, letter, email or in the shop to the ledger."""
        if not self.has_record_consent_permission(request):
            raise PermissionDenied
        customer = get_object_or_404(self.get_queryset(request), pk=object_id)
        if customer.is_erased:
            raise PermissionDenied
        form = StaffConsentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            event = customer.record_consent_by_staff(
                data["purpose"],
                data["action"],
                via=data["via"],
                evidence=data["evidence"],
                by=request.user,
                occurred_at=data["occurred_at"],
            )
            self.message_user(
                request,
                _("Recorded in the consent ledger: %(purpose)s, %(action)s (%(via)s).")
                % {
                    "purpose": event.purpose,
                    "action": event.get_action_display(),
                    "via": event.get_via_display(),
                },
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:customers_customer_change", args=[customer.pk]))
        return self._page(
            request,
            _("Record a consent or opt-out for %(number)s") % {"number": customer.customer_number},
            original=customer,
            form=form,
            intro=_(
                "For a consent or an opt-out the customer gave by phone, letter, email or in the shop. "
                "It is added to the consent ledger with your name; the ledger is never edited."
            ),
            submit=_("Add to the consent ledger"),
        )

    def marketing_export_view(self, request: HttpRequest) -> HttpResponse:
        """GET: choose a purpose; POST: stream its marketable customers with their unsubscribe links."""
        if not (self.has_view_permission(request) and request.user.has_perm(EXPORT_MARKETING_PERMISSION)):
            raise PermissionDenied
        form = MarketingExportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            purpose = form.cleaned_data["purpose"]
            # Who exported which list; never the list itself (it is personal data).
            logger.info("Marketing list for purpose %s exported by user %s", purpose.code, request.user.pk)
            response = StreamingHttpResponse(
                marketing_csv_lines(purpose), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="marketing-{purpose.code}.csv"'
            response["Cache-Control"] = "no-store"
            return response
        return self._page(
            request,
            _("Export a marketing list"),
            form=form,
            intro=_(
                "A CSV file of the customers who may receive marketing for the purpose now (consent "
                "granted, not restricted, not on the suppression list, not erased), each with their "
                "unsubscribe URL and the List-Unsubscribe and List-Unsubscribe-Post header values "
                "(RFC 8058) for the shop's mailer. The file is personal data: export it just before "
                "sending and delete it afterwards."
            ),
            submit=_("Download CSV"),
        )

    def get_search_results(self, request, queryset, search_term):
        """Search with indexed exact matches, never icontains across millions of rows or a join."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if "@" in term:
            return queryset.filter(email_normalized=normalize_email(term)), False
        if re.search(r"\d", term):
            condition = (
                Q(customer_number=term)
                | Q(external_id=term)
                | Q(pk__in=Order.objects.filter(number=term).values("customer_id"))
            )
            if len(re.sub(r"\D", "", term)) >= 5:
                condition |= Q(phone_normalized=normalize_phone(term))
            return queryset.filter(condition), False
        condition = Q(customer_number=term) | Q(external_id=term)
        # istartswith is UPPER("col"::text) LIKE UPPER('word%') on PostgreSQL, the shape the
        # expression indexes of migration customers.0003 serve; keep it when changing this.
        name = Q()
        for word in term.split():
            name &= (
                Q(last_name__istartswith=word)
                | Q(first_name__istartswith=word)
                | Q(company__istartswith=word)
            )
        return queryset.filter(condition | name), False

    @admin.display(description=_("personal identity number"))
    def masked_identity_number(self, obj: Customer) -> str:
        return obj.masked_identity_number

    @admin.display(description=_("bank account for refunds"))
    def masked_bank_account(self, obj: Customer) -> str:
        return obj.masked_bank_account

    @admin.display(description=_("restricted"), boolean=True, ordering="restricted_at")
    def is_restricted(self, obj: Customer) -> bool:
        return obj.restricted_at is not None

    @admin.display(description=_("recent orders"))
    def recent_orders(self, obj: Customer) -> str:
        if obj.pk is None:
            return "-"
        orders, _returns = latest_orders_and_returns(obj)
        change_url, short_datetime = _change_url(Order), _short_datetime()
        status = _choice_labels(Order, "status")
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{} {}</td></tr>',
            (
                (change_url(pk), number, short_datetime(placed_at), status(state), total, currency)
                for pk, number, placed_at, state, total, currency in orders
            ),
        )
        return format_html(
            '<table>{}</table><a href="{}?customer={}">{}</a>',
            rows,
            _admin_url(Order, "changelist"),
            obj.pk,
            _("All orders of this customer"),
        )

    @admin.display(description=_("recent returns"))
    def recent_returns(self, obj: Customer) -> str:
        if obj.pk is None:
            return "-"
        _orders, returns = latest_orders_and_returns(obj)
        change_url, short_datetime = _change_url(Return), _short_datetime()
        status = _choice_labels(Return, "status")
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (change_url(pk), number, short_datetime(returned_at), status(state), refund)
                for pk, number, returned_at, state, refund in returns
            ),
        )
        return format_html(
            '<table>{}</table><a href="{}?customer={}">{}</a>',
            rows,
            _admin_url(Return, "changelist"),
            obj.pk,
            _("All returns of this customer"),
        )

    @admin.display(description=_("consents"))
    def consents(self, obj: Customer) -> str:
        if obj.pk is None:
            return "-"
        overview = consent_overview(obj)
        granted_text, not_granted_text = _("granted"), _("not granted")
        current = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td></tr>",
            ((purpose, granted_text if granted else not_granted_text) for purpose, granted in overview),
        )
        # The overview holds every purpose: the events need not join them again.
        purposes = {purpose.pk: purpose for purpose, _granted in overview}
        events = _LATEST_CONSENT_EVENTS.values(obj.pk)
        short_datetime = _short_datetime()
        action, via = _choice_labels(ConsentEvent, "action"), _choice_labels(ConsentEvent, "via")
        ledger = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (short_datetime(occurred_at), purposes[purpose_id], action(done), via(channel))
                for occurred_at, purpose_id, done, channel in events
            ),
        )
        return format_html(
            '<table>{}</table><p>{}</p><table>{}</table><a href="{}?customer={}">{}</a>',
            current,
            _("Latest ledger events:"),
            ledger,
            _admin_url(ConsentEvent, "changelist"),
            obj.pk,
            _("The whole consent ledger of this customer"),
        )

    @admin.action(description=_("Restrict processing (GDPR Art. 18)"), permissions=["change"])
    def restrict_processing(self, request, queryset):
        count = 0
        reason = str(_("Restricted by %(user)s in the admin.") % {"user": request.user})
        for customer in queryset.filter(restricted_at__isnull=True):
            with transaction.atomic():
                customer.restrict(reason=reason)
                # Recipients with a webhook learn of it too (GDPR Art. 19); no request, so no task.
                queue_event(EventType.RESTRICTED, customer)
            count += 1
        self.message_user(
            request, _("%(count)d customer(s) restricted.") % {"count": count}, messages.SUCCESS
        )

    @admin.action(
        description=_("Lift restriction (tell the customer first, Art. 18(3))"), permissions=["change"]
    )
    def lift_restriction(self, request, queryset):
        count, refused = 0, 0
        for customer in queryset.filter(restricted_at__isnull=False):
            try:
                customer.lift_restriction(by=request.user, notified_at=lift_notice_sent_at(customer))
            except ValueError as exc:
                # The model refuses to lift a restriction the customer was not told about (Art. 18(3)).
                refused += 1
                self.message_user(request, f"{customer.customer_number}: {exc}", messages.WARNING)
                continue
            count += 1
        if count or not refused:
            self.message_user(
                request, _("%(count)d restriction(s) lifted.") % {"count": count}, messages.SUCCESS
            )

    @admin.action(description=_("Record objection to direct marketing (Art. 21)"), permissions=["change"])
    def record_objection(self, request, queryset):
        count = 0
        for customer in queryset:
            record_marketing_objection(
                customer, via=ConsentEvent.Via.STAFF, evidence=f"admin: {request.user.get_username()}"
            )
            count += 1
        self.message_user(
            request,
            _("Objection recorded for %(count)d customer(s); their contacts are on the suppression list.")
            % {"count": count},
            messages.SUCCESS,
        )
