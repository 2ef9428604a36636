"""Art. 19 tasks: tell each recipient of a rectification, erasure or restriction."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from register.admin_base import ModelAdmin
from register.models import OutboxMessage
from requests.admin.base import PROCESS_PERMISSION
from requests.models import RecipientNotification, TransitionError
from requests.rights import send_recipient_notification


class ImpossibleForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is notifying impossible or disproportionate?"), widget=forms.Textarea, required=True
    )


@admin.register(RecipientNotification)
class RecipientNotificationAdmin(ModelAdmin):
    """Art. 19 tasks: staff mark each sent (or send the email from here) or impossible with a reason."""

    list_display = [
        "recipient_name",
        "request",
        "action",
        "status",
        "webhook_display",
        "created_at",
        "done_at",
        "done_by",
    ]
    list_filter = ["status", "action"]
    list_select_related = ["request", "done_by"]
    raw_id_fields = ["request", "recipient"]
    readonly_fields = [
        "request",
        "recipient",
        "recipient_name",
        "recipient_email",
        "action",
        "status",
        "reason",
        "created_at",
        "done_at",
        "done_by",
        "webhook_display",
        "webhook_error",
    ]
    actions = ["send_and_mark_sent", "mark_sent", "mark_impossible"]

    # Tasks are created by the workflow and kept as evidence of Art. 19; staff close them
    # with the actions below.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # One query for every row's events, however many rows the page shows.
        return super().get_queryset(request).prefetch_related("event_messages")

    @staticmethod
    def _events(obj: RecipientNotification) -> list[OutboxMessage]:
        return list(obj.event_messages.all())

    @admin.display(description=_("webhook delivery"))
    def webhook_display(self, obj: RecipientNotification):
        """Red when an event was given up on, amber while one waits or is retried, green when all arrived."""
        events = self._events(obj)
        if not events:
            return "–"
        statuses = {event.status for event in events}
        if OutboxMessage.Status.FAILED in statuses:
            css, label = "attention-now", gettext("Failed: not delivered")
        elif OutboxMessage.Status.QUEUED in statuses:
            retrying = any(e.attempts for e in events if e.status == OutboxMessage.Status.QUEUED)
            css = "attention-soon"
            label = gettext("Retrying") if retrying else gettext("Waiting to be sent")
        elif statuses == {OutboxMessage.Status.SENT}:
            css, label = "", gettext("Delivered")
        else:
            css, label = "", gettext("Cancelled, not sent")
        attempts = sum(event.attempts for event in events)
        return format_html(
            '<strong class="{}">{}</strong> ({})',
            css,
            label,
            ngettext("%(count)d attempt", "%(count)d attempts", attempts) % {"count": attempts},
        )

    @admin.display(description=_("last webhook error"))
    def webhook_error(self, obj: RecipientNotification) -> str:
        errors = [event.last_error for event in self._events(obj) if event.last_error]
        return errors[-1] if errors else "–"

    def has_process_permission(self, request) -> bool:
        return request.user.has_perm(PROCESS_PERMISSION)

    @admin.action(description=_("Send the Art. 19 email and mark sent"), permissions=["process"])
    def send_and_mark_sent(self, request, queryset):
        sent, refused = 0, []
        for notification in queryset.select_related("request", "recipient__register"):
            try:
                send_recipient_notification(notification, by=request.user)
                sent += 1
            except TransitionError as exc:
                refused.append(exc)
        self.message_user(request, gettext("%(count)d notice(s) sent.") % {"count": sent}, messages.SUCCESS)
        self._report_refused(request, refused)

    def _report_refused(self, request, errors: list[TransitionError]) -> None:
        for message in dict.fromkeys(m for error in errors for m in error.messages):
            self.message_user(request, message, messages.WARNING)

    @admin.action(description=_("Mark sent (told by other means)"), permissions=["process"])
    def mark_sent(self, request, queryset):
        refused = []
        for notification in queryset:
            try:
                notification.mark_sent(by=request.user)
            except TransitionError as exc:
                refused.append(exc)
        self.message_user(request, gettext("Marked sent."), messages.SUCCESS)
        self._report_refused(request, refused)

    @admin.action(description=_("Mark impossible or disproportionate…"), permissions=["process"])
    def mark_impossible(self, request, queryset):
        form = ImpossibleForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            refused = []
            for notification in queryset:
                try:
                    notification.mark_impossible(by=request.user, reason=form.cleaned_data["reason"])
                except TransitionError as exc:
                    refused.append(exc)
            self.message_user(request, gettext("Marked impossible, with the reason."), messages.SUCCESS)
            self._report_refused(request, refused)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Why is notifying impossible or disproportionate?"),
            "form": form,
            "queryset": queryset,
            "action": "mark_impossible",
        }
        return TemplateResponse(request, "requests/privacy/impossible_form.html", context)
