"""What the request's change page shows below the request: audit trail, correspondence, notes."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from register.admin_base import NoDeleteAdminMixin, ReadOnlyInlineMixin, StackedInline, TabularInline
from requests.emails import email_name
from requests.models import InternalNote, RequestEvent, RequestMessage


class RequestEventInline(ReadOnlyInlineMixin, TabularInline):
    model = RequestEvent
    verbose_name_plural = _("events (audit trail)")
    fields = ["at", "kind", "actor", "event_detail"]
    select_related = ("actor",)

    @admin.display(description=_("detail"))
    def event_detail(self, event: RequestEvent) -> str:
        return event.describe()


class RequestMessageInline(ReadOnlyInlineMixin, StackedInline):
    model = RequestMessage
    verbose_name_plural = _("correspondence with the customer")
    fields = ["sent_at", "direction", "template_name", "recipient", "language", "sent_by", "subject", "body"]
    select_related = ("sent_by",)

    @admin.display(description=_("template"))
    def template_name(self, message: RequestMessage) -> str:
        return email_name(message.template)


class InternalNoteInline(NoDeleteAdminMixin, StackedInline):
    """Notes staff write about the request; existing notes are read-only, new ones can be added.

    The heading says what happens to them: a note about a person is their personal data and is part
    of their access report (``InternalNote``).
    """

    model = InternalNote
    verbose_name_plural = _(
        "internal notes — never emailed, but part of the customer's access report "
        "(GDPR Art. 15; CJEU C-434/16 Nowak)"
    )
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    extra = 1
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")
