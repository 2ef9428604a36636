"""Admin bases for records that are evidence: shown to staff, never added, changed or deleted.

Consent events, published notices, purge reports, erasure records, correspondence and the
like prove what the controller did (GDPR Art. 5(2)); only the code that writes them may
touch them. Every app uses these bases, so they live in the lowest one.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """Refuse add, change and delete for everyone; view permission still decides who may look."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class NoDeleteAdminMixin:
    """No delete in the admin, for anyone, superusers included: for models holding personal data.

    Django's delete would leave the data in the history tables and the admin log and write no
    erasure record. A customer's data goes through erasure (an erasure request, with its preview
    and record); old bookkeeping records go through the retention job. The delete action goes with
    the permission.
    """

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A ModelAdmin of records that are evidence: listed and shown, never edited here."""


class ReadOnlyInlineMixin(ReadOnlyAdminMixin):
    """An inline of records that are evidence: every field shown read-only, no empty extra rows.

    ``select_related`` names the foreign keys the inline shows, fetched in the same query.
    """

    extra = 0
    can_delete = False
    select_related: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return self.fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related(*self.select_related)
