"""Admin for the register's content: thin, fast on a million customers, masked where it must be."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from datetime import datetime

from django.contrib import admin, messages
from django.core.exceptions import EmptyResultSet, FullResultSet, PermissionDenied
from django.core.paginator import Paginator
from django.db import connection, models, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from customers.contacts import (
    MASKED_FIELDS,
    SENSITIVE_PERMISSION,
    hash_contact,
    normalize_email,
    normalize_phone,
)
from customers.forms import MarketingExportForm, StaffConsentForm
from customers.models import (
    ConsentEvent,
    ConsentPurpose,
    Customer,
    Invoice,
    Order,
    OrderLine,
    Payment,
    Return,
    Suppression,
    record_marketing_objection,
)
from customers.unsubscribe import customer_links, marketing_csv_lines
from register.admin_base import HistoryAdmin, ModelAdmin, NoDeleteAdminMixin, ReadOnlyAdmin, protect_fields
from register.events import EventType, queue_event
from register.models import Controller, Country

# No admin lets staff without the permission filter, order or search by a masked field.
for _label, _fields in MASKED_FIELDS.items():
    protect_fields(_label, _fields, SENSITIVE_PERMISSION)

logger = logging.getLogger(__name__)

# Who records a consent or opt-out received by phone, letter or in the shop (the ledger's add
# permission; ConsentEventAdmin itself stays read-only), and who exports marketing lists.
RECORD_CONSENT_PERMISSION = "customers.add_consentevent"
EXPORT_MARKETING_PERMISSION = "customers.export_marketing_list"

# The change page lists this many recent orders, returns and consent events, then links to the
# full filtered list, so a customer with thousands of orders still opens at once.
RECENT_ROWS = 10


class EstimatedCountPaginator(Paginator):
    """Count exactly up to a threshold; above it, take PostgreSQL's estimate and say "about N".

    On millions of rows the exact count dominates the change list's time (docs/legal.md, known traps).
    An unfiltered list reads the table's row estimate (``pg_class.reltuples``); a filtered or searched
    one the planner's estimate of its rows (EXPLAIN). Below ``ESTIMATE_FROM`` estimated rows the count
    is exact, as it is on SQLite. The admin's pagination then reads "about N" (``estimated``).
    """

    ESTIMATE_FROM = 10_000
    estimated = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if connection.vendor == "postgresql" and isinstance(queryset, QuerySet):
            estimate = estimated_rows(queryset)
            if estimate is not None and estimate >= self.ESTIMATE_FROM:
                self.estimated = True
                return estimate
        return super().count


def estimated_rows(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the number of rows of ``queryset`` (None if it has none)."""
    query = queryset.order_by().values("pk").query
    with connection.cursor() as cursor:
        if not query.where:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [queryset.model._meta.db_table],
            )
            row = cursor.fetchone()
            # -1 (or 0) until the table is first analysed: then count exactly.
            return int(row[0]) if row and row[0] and row[0] > 0 else None
        try:
            sql, params = query.sql_with_params()
        except EmptyResultSet:
            # A condition no row can meet (e.g. an id beyond the column's range): nothing to count.
            return 0
        except FullResultSet:
            return None
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def fixed_choices_filter(
    field: str, title, choices: Sequence[tuple[str, str]]
) -> type[admin.SimpleListFilter]:
    """A list filter over ``field`` offering a known set of values, with no query for its choices.

    Django's default filter for a field without choices lists ``SELECT DISTINCT field`` over the
    whole table on every page: on millions of rows that read costs more than the page itself.
    Countries and currencies are known sets. The parameter keeps Django's name (``field__exact``).
    """

    class FixedChoicesFilter(admin.SimpleListFilter):
        parameter_name = f"{field}__exact"

        def lookups(self, request, model_admin):
            return list(choices)

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{field: self.value()})
            return queryset

    FixedChoicesFilter.title = title
    FixedChoicesFilter.__name__ = f"{field.title().replace('_', '')}Filter"
    return FixedChoicesFilter


COUNTRY_CHOICES = Country.choices
CURRENCY_CHOICES = [(code, code) for code in ("EUR", "SEK", "NOK", "DKK")]
CountryFilter = fixed_choices_filter("country", _("country"), COUNTRY_CHOICES)
DeliveryCountryFilter = fixed_choices_filter("delivery_country", _("delivery country"), COUNTRY_CHOICES)
CurrencyFilter = fixed_choices_filter("currency", _("currency"), CURRENCY_CHOICES)


def can_view_sensitive(request: HttpRequest) -> bool:
    return request.user.has_perm(SENSITIVE_PERMISSION)


class MaskingContextHelper(HistoricalRecordContextHelper):
    """Mask sensitive values in the history view's list of changes."""

    def __init__(self, model, historical_record, masks: dict[str, Callable[[str], str]]):
        super().__init__(model, historical_record)
        self.masks = masks

    def prepare_delta_change_value(self, change, value):
        if change.field in self.masks:
            return self.masks[change.field](value)
        return super().prepare_delta_change_value(change, value)


class SensitiveFieldsMixin:
    """Show the model's fields of ``MASKED_FIELDS`` masked unless the user holds the permission.

    Applies to the change list, the change form (a read-only masked value instead of the input)
    and the history views, so the full value is shown only to those who need it (GDPR Art. 5(1)(f), 32).
    The admin shows each masked field through its display method ``masked_<field>``.
    """

    @cached_property
    def sensitive_fields(self) -> dict[str, tuple[str, Callable[[str], str]]]:
        """field name -> (name of the masked display method, masking function)."""
        masks = MASKED_FIELDS.get(self.model._meta.label, {})
        return {name: (f"masked_{name}", mask) for name, mask in masks.items()}

    def _swap(self, request: HttpRequest, names: Sequence) -> list:
        if can_view_sensitive(request):
            return list(names)
        return [self.sensitive_fields[n][0] if n in self.sensitive_fields else n for n in names]

    def get_list_display(self, request):
        return self._swap(request, super().get_list_display(request))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if can_view_sensitive(request):
            return fieldsets
        return [(title, {**opts, "fields": self._swap(request, opts["fields"])}) for title, opts in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_view_sensitive(request):
            readonly += [display for display, _mask in self.sensitive_fields.values()]
        return readonly

    def get_historical_record_context_helper(self, request, historical_record):
        if can_view_sensitive(request):
            return super().get_historical_record_context_helper(request, historical_record)
        masks = {field: mask for field, (_display, mask) in self.sensitive_fields.items()}
        return MaskingContextHelper(self.model, historical_record, masks)


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


def _admin_url(model, name: str, *args) -> str:
    return reverse(f"admin:customers_{model._meta.model_name}_{name}", args=args)


# --- Customers ---------------------------------------------------------------------------------


# Functions telling when the customer was last told, since the restriction began, that it will be
# lifted (GDPR Art. 18(3)), or None; the app that sends and records that notice adds one (requests.apps).
lift_notice_providers: list[Callable[[Customer], datetime | None]] = []


def lift_notice_sent_at(customer: Customer) -> datetime | None:
    """When the customer was last told that the restriction will be lifted, or None."""
    return max((when for provide in lift_notice_providers if (when := provide(customer))), default=None)


def restriction_banner(model_admin: admin.ModelAdmin, request: HttpRequest, customer: Customer) -> None:
    """Warn staff on the customer's pages that processing is restricted (GDPR Art. 18)."""
    if customer.restricted_at is None or request.method != "GET":
        return
    model_admin.message_user(
        request,
        format_html(
            "<strong>{}</strong> {}",
            _("Processing restricted (GDPR Art. 18) since %(date)s.")
            % {"date": date_format(localtime(customer.restricted_at), "SHORT_DATE_FORMAT")},
            _("Only store this data: no marketing or other processing until the restriction is lifted."),
        ),
        messages.WARNING,
    )


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
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50
    ordering = ("-created_at", "-id")
    readonly_fields = (
        "created_at",
        "restricted_at",
        "erased_at",
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
                    "erased_at",
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
                for link in customer_links(obj)
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
        # customer_id too: the related manager sets each order's customer, which would otherwise load
        # the deferred column once per order.
        orders = obj.orders.only("id", "customer_id", "number", "placed_at", "status", "total", "currency")[
            :RECENT_ROWS
        ]
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{} {}</td></tr>',
            (
                (
                    _admin_url(Order, "change", o.pk),
                    o.number,
                    date_format(localtime(o.placed_at), "SHORT_DATETIME_FORMAT"),
                    o.get_status_display(),
                    o.total,
                    o.currency,
                )
                for o in orders
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
        # NULLS LAST does not match the returned_at index: PostgreSQL then joins the customer's orders
        # to their returns instead of walking every return of the shop newest first, looking for
        # this customer's (160 ms → 14 ms for a customer with 10,000 orders among 100,000).
        returns = (
            Return.objects.filter(order__customer=obj)
            .select_related("order")
            .only("id", "returned_at", "status", "refund_amount", "order__number")
            .order_by(F("returned_at").desc(nulls_last=True), "-id")[:RECENT_ROWS]
        )
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    _admin_url(Return, "change", r.pk),
                    r.order.number,
                    date_format(localtime(r.returned_at), "SHORT_DATETIME_FORMAT"),
                    r.get_status_display(),
                    r.refund_amount,
                )
                for r in returns
            ),
        )
        return format_html(
            '<table>{}</table><a href="{}?order__customer={}">{}</a>',
            rows,
            _admin_url(Return, "changelist"),
            obj.pk,
            _("All returns of this customer"),
        )

    @admin.display(description=_("consents"))
    def consents(self, obj: Customer) -> str:
        if obj.pk is None:
            return "-"
        state = obj.current_consents()
        purposes = {p.code: p for p in ConsentPurpose.objects.all()}
        current = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td></tr>",
            (
                (purposes.get(code, code), _("granted") if granted else _("not granted"))
                for code, granted in state.items()
            ),
        )
        events = obj.consent_events.select_related("purpose")[:RECENT_ROWS]
        ledger = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    date_format(localtime(e.occurred_at), "SHORT_DATETIME_FORMAT"),
                    e.purpose,
                    e.get_action_display(),
                    e.get_via_display(),
                )
                for e in events
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


# --- Orders and bookkeeping --------------------------------------------------------------------


class OrderLineInline(NoDeleteAdminMixin, admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ("sku", "product_name", "quantity", "unit_price", "vat_rate")


class InvoiceInline(NoDeleteAdminMixin, admin.TabularInline):
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
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    ordering = ("-placed_at", "-id")
    readonly_fields = ("purge_after",)
    inlines = (OrderLineInline, InvoiceInline)
    actions = ("mark_shipped", "mark_delivered", "cancel_orders")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "controller":
            # The seller is one of the current register's controllers (docs/staff.md).
            kwargs["queryset"] = Controller.objects.filter(register__is_current=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        if order is not None:
            restriction_banner(self, request, order.customer)
        return super().change_view(request, object_id, form_url, extra_context)

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


class PaymentInline(NoDeleteAdminMixin, admin.TabularInline):
    model = Payment
    extra = 0
    fields = ("paid_at", "amount", "method", "reference")


@admin.register(Invoice)
class InvoiceAdmin(NoDeleteAdminMixin, HistoryAdmin):
    list_display = ("number", "order", "issued_at", "due_on", "amount", "vat_amount", "currency")
    list_select_related = ("order",)
    search_fields = ("number",)
    raw_id_fields = ("order",)
    show_full_result_count = False
    paginator = EstimatedCountPaginator
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
    show_full_result_count = False
    paginator = EstimatedCountPaginator
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
    raw_id_fields = ("order",)
    search_fields = ("order__number",)
    search_help_text = _("Exact order number.")
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("order", "returned_at", "status", "reason", "refund_amount", "refund_account")}),
    )
    actions = ("mark_received", "mark_refunded", "reject")

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # The customer page links here with ?order__customer=<pk>.
        if lookup in {"order__customer", "order__customer__exact"}:
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


# --- Consent ledger and suppression list -------------------------------------------------------


@admin.register(ConsentPurpose)
class ConsentPurposeAdmin(ModelAdmin):
    # The name in the reader's language; every language's name is on the change form.
    list_display = ("code", "name_shown", "channel", "is_marketing")
    list_filter = ("channel", "is_marketing")
    search_fields = ("code", "name_en", "name_sv", "name_fi", "name_nb")

    @admin.display(description=_("name"))
    def name_shown(self, purpose: ConsentPurpose) -> str:
        return purpose.localized_name()


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "customer", "purpose", "action", "via", "notice_version")
    list_filter = ("purpose", "action", "via")
    list_select_related = ("customer", "purpose")
    search_fields = ("customer__customer_number",)
    search_help_text = _("Exact customer number.")
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    ordering = ("-occurred_at", "-id")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(customer__customer_number=term), False


@admin.register(Suppression)
class SuppressionAdmin(ReadOnlyAdmin):
    list_display = ("digest", "kind", "reason", "created_at")
    list_filter = ("kind", "reason")
    search_fields = ("digest",)
    search_help_text = _("Type a full email or phone number: it is hashed and looked up; nothing is stored.")
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        kind = Suppression.Kind.EMAIL if "@" in term else Suppression.Kind.PHONE
        return queryset.filter(digest__in=[hash_contact(kind, term), term]), False
