"""The queue of outgoing messages in the admin: what waits, what failed and why, and sending again."""

from django.apps import apps
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from register import outbox
from register.admin_base import ReadOnlyAdmin
from register.models import OutboxMessage


class OutboxStatusFilter(admin.SimpleListFilter):
    """Status filter that opens on what needs attention: failed and waiting messages."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return OutboxMessage.Status.choices

    def queryset(self, request, queryset):
        if self.value() in OutboxMessage.Status.values:
            return queryset.filter(status=self.value())
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Read-only list of outgoing email and webhooks; failed ones can be sent again."""

    list_display = [
        "created_at",
        "channel",
        "status_display",
        "subject",
        "about",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = [OutboxStatusFilter, "channel"]
    search_fields = ["=reference"]
    search_help_text = _("Search by what a message is about, e.g. requests.request:42.")
    list_per_page = 50
    date_hierarchy = None
    actions = ["send_again"]
    fields = [
        "channel",
        "status_display",
        "reference",
        "subject",
        "target",
        "created_at",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    readonly_fields = fields

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("register.resend_outboxmessage")

    @admin.display(description=_("about"))
    def about(self, obj: OutboxMessage) -> str:
        """What the message is about, named in the reader's language ("Request 42")."""
        label, _sep, pk = obj.reference.partition(":")
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            return obj.reference
        return f"{capfirst(model._meta.verbose_name)} {pk}"

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj: OutboxMessage):
        # Classes of register/static/register/admin.css (the CSP allows no inline styles).
        attention = {
            OutboxMessage.Status.FAILED: "attention-now",
            OutboxMessage.Status.QUEUED: "attention-soon",
        }
        label = obj.get_status_display()
        if obj.status == OutboxMessage.Status.QUEUED and obj.attempts:
            label = gettext("%(status)s (retrying)") % {"status": label}
        return format_html('<strong class="{}">{}</strong>', attention.get(obj.status, ""), label)

    @admin.action(description=_("Send again now"), permissions=["resend"])
    def send_again(self, request, queryset):
        count = outbox.resend(queryset)
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
        skipped = queryset.count() - count
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message was skipped: it was already sent or cancelled.",
                    "%(count)d messages were skipped: they were already sent or cancelled.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
