"""The consent ledger, its purposes and the suppression list in the admin."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from customers.contacts import hash_contact
from customers.models import ConsentEvent, ConsentPurpose, Suppression
from register.admin_base import ModelAdmin, ReadOnlyAdmin

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
    # Newest first along the primary key: rows are only ever added, and created_at has no index.
    ordering = ("-id",)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        kind = Suppression.Kind.EMAIL if "@" in term else Suppression.Kind.PHONE
        return queryset.filter(digest__in=[hash_contact(kind, term), term]), False
