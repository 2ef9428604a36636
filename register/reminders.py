"""Reminders that higher apps add to ``manage.py remind_deadlines``.

The command lives in ``requests``; an app above it (the breach register) registers a function
here, and the command calls each after its own reminders. A reminder takes ``today`` (the shop's
date) and returns how many emails it queued.
"""

from collections.abc import Callable
from datetime import date

Reminder = Callable[[date], int]

_reminders: list[Reminder] = []


def register_reminder(reminder: Reminder) -> None:
    """Add ``reminder`` to what ``remind_deadlines`` runs (once per function)."""
    if reminder not in _reminders:
        _reminders.append(reminder)


def reminders() -> list[Reminder]:
    """Return the registered reminders, in registration order."""
    return list(_reminders)
