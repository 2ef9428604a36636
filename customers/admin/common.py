"""What the customers app's admin pages share: estimated counts, fixed-choice filters, masking."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from customers.contacts import MASKED_FIELDS, SENSITIVE_PERMISSION
from customers.models import Customer
from register.admin_base import protect_fields
from register.models import Country

# No admin lets staff without the permission filter, order or search by a masked field.
for _label, _fields in MASKED_FIELDS.items():
    protect_fields(_label, _fields, SENSITIVE_PERMISSION)


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
