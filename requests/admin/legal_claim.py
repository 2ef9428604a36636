"""Legal claims (GDPR Art. 17(3)(e)), noted by staff."""

from django.contrib import admin

from register.admin_base import ModelAdmin, NoDeleteAdminMixin
from requests.models import LegalClaim


@admin.register(LegalClaim)
class LegalClaimAdmin(NoDeleteAdminMixin, ModelAdmin):
    """Legal claims noted by staff; while one is active the customer cannot be erased.

    A claim ends by being lifted (``lifted_at``), never deleted: its note goes with erasure.
    """

    list_display = ["customer", "noted_at", "until", "lifted_at", "noted_by"]
    list_filter = ["lifted_at"]
    list_select_related = ["customer", "noted_by"]
    raw_id_fields = ["customer", "request"]
    fields = ["customer", "request", "note", "until", "lifted_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.noted_by = request.user
        super().save_model(request, obj, form, change)
