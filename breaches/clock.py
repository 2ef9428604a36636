"""The 72-hour clock of GDPR Art. 33(1) as staff read it, on the breach page and the dashboard."""

from __future__ import annotations

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext

from breaches.models import Breach


def clock_html(breach: Breach, now=None) -> str:
    """The 72-hour clock as staff read it: hours left, or overdue (in red), or why it stopped."""
    if not breach.clock_running:
        if breach.authority_notified_at:
            return format_html(
                '<span class="kr-clock-done">{}</span>',
                gettext("Authority notified %(when)s")
                % {"when": timezone.localtime(breach.authority_notified_at).strftime("%Y-%m-%d %H:%M")},
            )
        return format_html('<span class="kr-clock-done">{}</span>', gettext("Not to be notified"))
    hours = breach.hours_left(now)
    deadline = timezone.localtime(breach.deadline).strftime("%Y-%m-%d %H:%M")
    if hours < 0:
        return format_html(
            '<strong class="kr-overdue">{}</strong>',
            gettext("Overdue by %(hours)d h (deadline %(deadline)s)")
            % {"hours": -hours, "deadline": deadline},
        )
    return format_html(
        '<span class="kr-clock">{}</span>',
        gettext("%(hours)d h left (deadline %(deadline)s)") % {"hours": hours, "deadline": deadline},
    )
