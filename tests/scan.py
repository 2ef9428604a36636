"""Search everything the register stores for a person's identifiers, to prove an erasure reached it all.

``find_in_database`` reads every column of every table (history tables, the admin log, the outgoing
message queue included), ``find_in_files`` every file under a folder (inside ZIP archives too),
``find_in_outbox`` the outgoing-message queue and ``find_in_mails`` sent emails (subject, text and HTML;
not the recipient, which is where the email had to go). Each returns what it found as
``(where, what, needle)`` tuples; an empty list means nothing was found. Matching ignores case.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from django.db import connection


def needles(*values: str) -> list[str]:
    """The values to look for, case-folded, without empty ones or duplicates."""
    return list(dict.fromkeys(value.casefold() for value in values if value))


def _hits(text: str, values: list[str]) -> list[str]:
    text = text.casefold()
    return [value for value in values if value in text]


def _as_text(value) -> str | None:
    if value is None or isinstance(value, bool | int | float | Decimal):
        return None
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)  # text, dates, and JSON columns (a dict or list on PostgreSQL)


def find_in_database(values: list[str]) -> list[tuple[str, str, str]]:
    """Every (table, column, needle) of the whole database whose text contains one of ``values``."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = _as_text(value)
                    if text:
                        found += [(table, column, needle) for needle in _hits(text, values)]
    return found


def find_in_files(root: Path, values: list[str]) -> list[tuple[str, str, str]]:
    """Every (file, member of a ZIP or "", needle) under ``root`` whose content contains one of ``values``."""
    found = []
    root = Path(root)
    if not root.exists():
        return found
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    text = archive.read(member).decode("utf-8", errors="replace")
                    found += [(str(path), member, needle) for needle in _hits(text, values)]
        found += [(str(path), "", needle) for needle in _hits(data.decode("utf-8", errors="replace"), values)]
    return found


def find_in_outbox(values: list[str]) -> list[tuple[str, str, str]]:
    """Every (message, field, needle) of the outgoing-message queue containing one of ``values``."""
    from register.models import OutboxMessage

    found = []
    for message in OutboxMessage.objects.order_by("pk"):
        for field in ("target", "subject", "body", "html", "headers", "last_error"):
            text = _as_text(getattr(message, field))
            if text:
                found += [(f"outbox {message.pk}", field, needle) for needle in _hits(text, values)]
    return found


def find_in_mails(messages: Iterable, values: list[str]) -> list[tuple[str, str, str]]:
    """Every (email, part, needle) of sent emails whose subject, text or HTML holds one of ``values``."""
    found = []
    for index, message in enumerate(messages):
        parts = {"subject": message.subject, "body": message.body}
        for number, (content, _mimetype) in enumerate(getattr(message, "alternatives", [])):
            parts[f"alternative {number}"] = str(content)
        for part, text in parts.items():
            found += [(f"email {index}", part, needle) for needle in _hits(text or "", values)]
    return found
