"""Lockout of repeated failed staff logins (django-axes), counted per username and address and per address.

settings.AXES_LOCKOUT_PARAMETERS is ``[["username", "ip_address"], "ip_address"]``: the first
count is one username's failures from one address, the second all failures from the address.
django-axes compares every count with one limit; here the per-address count has its own, higher
limit (settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS), so that colleagues behind one office address do
not lock each other out after a handful of typos, while one address still cannot try many
usernames. The records are the DPO's under Staff sign-in in the admin (staff.admin).
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """Return the failures that count, on the scale of settings.AXES_FAILURE_LIMIT."""
        per_username_and_address, per_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if per_address >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS:
            return max(per_username_and_address, settings.AXES_FAILURE_LIMIT)
        return per_username_and_address
