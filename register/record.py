"""The record of processing activities (GDPR Art. 30(1)), built from the live register."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils import formats, translation
from django.utils.translation import gettext as _

from register.legal import SUPERVISORY_AUTHORITIES
from register.models import (
    BookkeepingPeriod,
    Country,
    DataCategory,
    Purpose,
    Register,
    RetentionRule,
    StatutoryHold,
)


@dataclass
class Activity:
    """One processing activity: a purpose with everything Art. 30(1)(b)–(g) asks about it."""

    purpose: str
    legal_basis: str
    data_subjects: str
    categories: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    transfers: list[str] = field(default_factory=list)
    retention: list[str] = field(default_factory=list)


@dataclass
class Record:
    controllers: list[str]
    contacts: list[str]
    activities: list[Activity]
    security: list[str]
    authority: str
    # What the law keeps longer (Art. 30(1)(f)), per country: bookkeeping and statutory holds.
    law_holds: list[str] = field(default_factory=list)


def law_hold_lines(register: Register) -> list[str]:
    """The bookkeeping periods and statutory holds of the register's countries, one line each."""
    labels = dict(Country.choices)
    countries = register.law_countries()
    lines = []
    for country in countries:
        for period in BookkeepingPeriod.objects.filter(country=country).order_by("kind"):
            lines.append(
                _("%(country)s — %(statute)s: %(kind)s, %(years)s years, counted from: %(event)s")
                % {
                    "country": labels[country],
                    "statute": period.statute,
                    "kind": period.get_kind_display(),
                    "years": formats.number_format(period.years.normalize(), use_l10n=True),
                    "event": period.get_counts_from_display(),
                }
            )
    for hold in StatutoryHold.objects.in_force().for_countries(countries).order_by("country", "kind", "pk"):
        line = _("%(country)s — %(kind)s, %(statute)s: %(records)s, %(period)s") % {
            "country": labels[hold.country] if hold.country else _("Every country"),
            "kind": hold.get_kind_display(),
            "statute": hold.statute,
            "records": hold.records_text(),
            "period": hold.period_text(),
        }
        if hold.needs_review:
            line += " " + _("(default: check with your DPO)")
        lines.append(line)
    return lines


def _basis(purpose: Purpose) -> str:
    parts = [purpose.get_legal_basis_display() or _("(missing)")]
    if purpose.basis_detail:
        parts.append(purpose.basis_detail)
    if purpose.legitimate_interest:
        parts.append(_("Legitimate interest: %(interest)s") % {"interest": purpose.legitimate_interest})
    return " — ".join(str(p) for p in parts)


def _retention_lines(rules: list[RetentionRule], categories: list[DataCategory]) -> list[str]:
    """Each rule covering any of ``categories``: those it covers, then its sentence (Art. 30(1)(f))."""
    wanted = {category.pk for category in categories}
    lines = []
    for rule in rules:
        covered = [category.name for category in rule.categories.all() if category.pk in wanted]
        if covered:
            lines.append(f"{', '.join(covered)}: {rule.sentence()}")
    return lines


def build_record(register: Register) -> Record:
    """Return the Art. 30 record of ``register`` in the active language."""
    controllers = [
        ", ".join(
            p
            for p in (
                c.name,
                f"{c.get_business_id_kind_display()} {c.business_id}".strip() if c.business_id else "",
                " ".join(c.address_lines()),
                c.phone,
                c.email,
            )
            if p
        )
        for c in register.controllers.all()
    ]
    contacts = [
        ", ".join(
            p
            for p in (
                c.name,
                str(c.get_role_display()),
                *c.email_list(),
                *c.phone_list(),
                " ".join(c.address_lines()),
            )
            if p
        )
        for c in register.contacts.all()
    ]
    recipients = list(register.recipients.all())
    recipient_lines = [
        f"{r.name} ({r.get_kind_display()}{', ' + r.country if r.country else ''})" for r in recipients
    ]
    transfers = [
        f"{r.name} ({r.country}): {r.get_safeguard_display()}"
        + (f" — {r.safeguard_text}" if r.safeguard_text else "")
        for r in recipients
        if r.outside_eea
    ] or [register.transfers]
    categories = list(register.categories.prefetch_related("purposes"))
    rules = list(register.retention_rules.prefetch_related("categories"))
    activities = []
    for purpose in register.purposes.all():
        linked = [c for c in categories if purpose in c.purposes.all()] or categories
        activities.append(
            Activity(
                purpose=purpose.text,
                legal_basis=_basis(purpose),
                data_subjects=register.data_subjects,
                categories=[c.name for c in linked],
                recipients=recipient_lines,
                transfers=transfers,
                retention=_retention_lines(rules, linked),
            )
        )
    authority = SUPERVISORY_AUTHORITIES[register.country]
    return Record(
        controllers=controllers,
        contacts=contacts,
        activities=activities,
        security=[p.text for p in register.protections.all()],
        authority=f"{authority.name(translation.get_language() or 'en')} ({authority.website})",
        law_holds=law_hold_lines(register),
    )


def _cell(value: str) -> str:
    # A cell starting with =, +, - or @ is run as a formula by spreadsheet programs;
    # staff open this file in one, so such text is prefixed to stay text.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def record_csv(record: Record) -> str:
    """Return the record as CSV, one row per processing activity."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Controller"),
            _("Contact person"),
            _("Purpose"),
            _("Legal basis"),
            _("Data subjects"),
            _("Personal-data categories"),
            _("Recipients"),
            _("Transfers outside the EU/EEA"),
            _("Retention"),
            _("Kept longer by law"),
            _("Security measures"),
        ]
    )
    for activity in record.activities:
        row = [
            "; ".join(record.controllers),
            "; ".join(record.contacts),
            activity.purpose,
            activity.legal_basis,
            activity.data_subjects,
            "; ".join(activity.categories),
            "; ".join(activity.recipients),
            "; ".join(activity.transfers),
            "; ".join(activity.retention),
            "; ".join(record.law_holds),
            "; ".join(record.security),
        ]
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()
