"""Erasure records: the evidence of what each erasure removed and retained."""

from django.contrib import admin

from register.admin_base import ReadOnlyAdmin
from requests.models import ErasureRecord


@admin.register(ErasureRecord)
class ErasureRecordAdmin(ReadOnlyAdmin):
    """What each erasure removed and retained: models, rows and fields, never values."""

    list_display = ["erased_at", "customer", "request", "mode", "erased_by", "reason"]
    list_select_related = ["customer", "request", "erased_by"]
    raw_id_fields = ["customer", "request"]
    readonly_fields = ["customer", "request", "erased_at", "erased_by", "mode", "reason", "items"]
    show_full_result_count = False
    date_hierarchy = "erased_at"
