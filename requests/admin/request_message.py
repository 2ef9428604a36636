"""All correspondence across requests, as a list of its own."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from register.admin_base import ReadOnlyAdmin
from requests.emails import EMAIL_NAMES, email_name
from requests.models import RequestMessage


class TemplateFilter(admin.SimpleListFilter):
    """Filter by email, each named in the reader's language."""

    title = _("template")
    parameter_name = "template"

    def lookups(self, request, model_admin):
        return [(key, name) for key, name in EMAIL_NAMES.items()]

    def queryset(self, request, queryset):
        if self.value() in EMAIL_NAMES:
            return queryset.filter(template=self.value())
        return queryset


@admin.register(RequestMessage)
class RequestMessageAdmin(ReadOnlyAdmin):
    """All correspondence across requests, read-only (sent messages are records)."""

    list_display = ["request", "direction", "template_name", "language", "sent_at", "sent_by"]
    # By date with fixed periods: a date hierarchy lists the distinct days of all correspondence
    # (SELECT DISTINCT over the table) on every page.
    list_filter = ["direction", TemplateFilter, "language", ("sent_at", admin.DateFieldListFilter)]
    list_select_related = ["request", "sent_by"]
    raw_id_fields = ["request"]
    # Newest first along the primary key (messages are only ever added): sent_at has no index of its
    # own, and sorting the whole correspondence by it for every page takes longer the more there is.
    ordering = ["-id"]

    exclude = ["template"]
    readonly_fields = ["template_name"]

    @admin.display(description=_("template"), ordering="template")
    def template_name(self, message: RequestMessage) -> str:
        return email_name(message.template)
