"""List filters of the request admin."""

from datetime import timedelta

from django.contrib import admin
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from requests import deadlines
from requests.models import Request


class StatusFilter(admin.SimpleListFilter):
    """Status filter whose default view shows only actionable (verified) requests."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Request.Status.choices, ("all", _("All, including unverified"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Actionable (verified)"),
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == str(value),
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset.actionable()
        if value == "all":
            return queryset
        return queryset.filter(status=value)


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("soon", _("Due within 7 days")),
            ("week", _("Due within 7 days, not overdue")),
            ("open", _("Open, any deadline")),
            ("later", _("Due in more than 7 days")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "soon":
            return queryset.due_within(deadlines.DUE_SOON_DAYS)
        if self.value() == "open":
            return queryset.actionable().open()
        if self.value() in ("week", "later"):
            today = deadlines.today()
            limit = today + timedelta(days=deadlines.DUE_SOON_DAYS)
            open_requests = (
                queryset.actionable().open().annotate(effective_due=Coalesce("extended_due_date", "due_date"))
            )
            if self.value() == "week":
                return open_requests.filter(effective_due__gte=today, effective_due__lte=limit)
            return open_requests.filter(effective_due__gt=limit)
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Assigned to me")), ("nobody", _("Unassigned"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.assigned_to(request.user)
        if self.value() == "nobody":
            return queryset.unassigned()
        return queryset
