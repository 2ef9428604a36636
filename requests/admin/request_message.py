"""All correspondence across requests, as a list of its own."""

from django.contrib import admin

from register.admin_base import ReadOnlyAdmin
from requests.models import RequestMessage


@admin.register(RequestMessage)
class RequestMessageAdmin(ReadOnlyAdmin):
    """All correspondence across requests, read-only (sent messages are records)."""

    list_display = ["request", "direction", "template", "language", "sent_at", "sent_by"]
    list_filter = ["direction", "template", "language"]
    list_select_related = ["request", "sent_by"]
    raw_id_fields = ["request"]
    show_full_result_count = False
    date_hierarchy = "sent_at"
