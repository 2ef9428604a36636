"""Publishing the register description as an immutable notice version (GDPR Art. 13).

``missing_for_publication(register)`` lists what Art. 13 requires and the register lacks;
``publish(register, by=user)`` refuses while that list is not empty, otherwise freezes the
register into a snapshot (every text in every language) and renders the notice from it.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from register.legal import SUPERVISORY_AUTHORITIES
from register.models import (
    BookkeepingPeriod,
    Country,
    HoldKind,
    NoticeVersion,
    Register,
    Right,
    StatutoryHold,
)
from register.translation import LANGUAGE_CODES, in_every_language, localise

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

SNAPSHOT_FORMAT = 1


class RegisterIncomplete(Exception):
    """Publishing was refused; ``missing`` names what GDPR Art. 13 still requires."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__("; ".join(missing))


def _language_names(codes: list[str]) -> str:
    names = dict(settings.LANGUAGES)
    return ", ".join(str(names[code]) for code in codes)


def _translation_gaps(obj, label: str) -> list[str]:
    """One message per text of ``obj`` that is missing in some language."""
    gaps: dict[str, list[str]] = {}
    for name, code in obj.missing_translations():
        gaps.setdefault(name, []).append(code)
    messages = []
    for name, codes in gaps.items():
        field = obj._meta.get_field(f"{name}_{codes[0]}")
        verbose = str(field.verbose_name).rsplit(" (", 1)[0]
        messages.append(
            _("%(item)s: “%(field)s” is missing in %(languages)s.")
            % {"item": label, "field": verbose, "languages": _language_names(codes)}
        )
    return messages


def missing_for_publication(register: Register) -> list[str]:
    """Return, in the staff member's language, what GDPR Art. 13 requires and ``register`` lacks."""
    missing: list[str] = []
    missing += _translation_gaps(register, _("Register"))

    controllers = list(register.controllers.all())
    if not controllers:
        missing.append(_("No controller (GDPR Art. 13(1)(a))."))
    for controller in controllers:
        if not (controller.address_lines() or controller.email or controller.phone):
            missing.append(
                _("Controller “%(name)s” has no contact details (GDPR Art. 13(1)(a)).")
                % {"name": controller.name}
            )

    contacts = list(register.contacts.all())
    if not any(c.email_list() or c.phone_list() for c in contacts):
        missing.append(_("No contact person with an email address or phone number (GDPR Art. 13(1)(b))."))

    purposes = list(register.purposes.all())
    if not purposes:
        missing.append(_("No purpose of processing (GDPR Art. 13(1)(c))."))
    for number, purpose in enumerate(purposes, 1):
        label = _("Purpose %(number)s") % {"number": number}
        if not purpose.legal_basis:
            missing.append(_("%(item)s has no legal basis (GDPR Art. 13(1)(c)).") % {"item": label})
        if purpose.legal_basis == "f" and not any(purpose.texts("legitimate_interest").values()):
            missing.append(
                _("%(item)s: the legitimate interest is not stated (GDPR Art. 13(1)(d)).") % {"item": label}
            )
        missing += _translation_gaps(purpose, label)

    categories = list(register.categories.prefetch_related("retention_rules"))
    if not categories:
        missing.append(_("No personal-data category (GDPR Art. 30(1)(c))."))
    for category in categories:
        label = _("Data category “%(name)s”") % {"name": category.name}
        if not category.retention_rules.all():
            missing.append(_("%(item)s has no retention rule (GDPR Art. 13(2)(a)).") % {"item": label})
        missing += _translation_gaps(category, label)

    if not register.sources.exists():
        missing.append(_("No source of the data (GDPR Art. 14(2)(f), 15(1)(g))."))
    for number, source in enumerate(register.sources.all(), 1):
        missing += _translation_gaps(source, _("Source %(number)s") % {"number": number})

    for recipient in register.recipients.all():
        label = _("Recipient “%(name)s”") % {"name": recipient.name}
        if recipient.lacks_safeguard():
            missing.append(
                _("%(item)s is outside the EU/EEA but has no safeguard (GDPR Art. 13(1)(f), 46).")
                % {"item": label}
            )
        missing += _translation_gaps(recipient, label)

    for cookie in register.cookies.all():
        missing += _translation_gaps(cookie, _("Cookie “%(name)s”") % {"name": cookie})

    protections = list(register.protections.all())
    if not protections:
        missing.append(_("No protection principle (GDPR Art. 30(1)(g), 32)."))
    for number, protection in enumerate(protections, 1):
        missing += _translation_gaps(protection, _("Protection principle %(number)s") % {"number": number})

    for rule in register.retention_rules.select_related("category"):
        missing += _translation_gaps(rule, _("Retention rule “%(name)s”") % {"name": rule})

    channels = list(register.rights_channels.all())
    if not channels:
        missing.append(_("No way for customers to exercise their rights (GDPR Art. 12(2), 13(2)(b))."))
    else:
        covered = {channel.right for channel in channels}
        for right in Right:
            if right not in covered:
                missing.append(
                    _("No channel for the right “%(right)s” (GDPR Art. 13(2)(b), (c)).")
                    % {"right": right.label}
                )
    for channel in channels:
        missing += _translation_gaps(channel, str(channel))
    return missing


def _choice(obj, field: str) -> dict[str, str]:
    """Return the label of a choice field's value in every language.

    ``get_FOO_display()`` would evaluate the lazy label in the active language only,
    so the label is taken from the field's choices while it is still lazy.
    """
    value = getattr(obj, field)
    if not value:
        return {}
    labels = dict(obj._meta.get_field(field).flatchoices)
    return in_every_language(labels.get(value, value))


def law_snapshot(register: Register) -> dict[str, Any]:
    """What the law keeps longer, per country of the register and its controllers, in every language.

    ``bookkeeping``: per country, the bookkeeping statutes and their longest period; ``statutory_holds``:
    the statutory holds in force there (docs/legal.md). Rendered in the notice's retention section,
    the access report and the record of processing.
    """
    countries = register.law_countries()
    country_labels = dict(Country.choices)
    bookkeeping = []
    for country in countries:
        periods = list(BookkeepingPeriod.objects.filter(country=country))
        if not periods:
            continue
        years = max(period.years for period in periods)
        bookkeeping.append(
            {
                "country": country,
                "country_label": in_every_language(country_labels[country]),
                "statutes": "; ".join(dict.fromkeys(period.statute for period in periods)),
                "text": in_every_language(lazy(partial(bookkeeping_text, years), str)()),
            }
        )
    order = {country: index for index, country in enumerate(countries)}
    holds = sorted(
        StatutoryHold.objects.in_force().for_countries(countries),
        key=lambda hold: (order.get(hold.country, len(order)), hold.kind, hold.period_amount or 0, hold.pk),
    )
    statutory = [
        {
            "country": hold.country,
            "country_label": in_every_language(
                country_labels[hold.country] if hold.country else gettext_lazy("Every country")
            ),
            "kind": hold.kind,
            "kind_label": in_every_language(HoldKind(hold.kind).label),
            "statute": hold.statute,
            "records": in_every_language(lazy(hold.records_text, str)()),
            "period": in_every_language(lazy(hold.period_text, str)()),
            "keeps_identifiers": hold.keeps_identifiers,
        }
        for hold in holds
    ]
    return {"bookkeeping": bookkeeping, "statutory_holds": statutory}


def bookkeeping_text(years: Decimal) -> str:
    """ "bookkeeping records …: up to 7 years" in the active language."""
    shown = formats.number_format(years.normalize(), use_l10n=True)
    return ngettext(
        "orders, invoices, payments and returns as bookkeeping records: up to %(years)s year",
        "orders, invoices, payments and returns as bookkeeping records: up to %(years)s years",
        int(years.to_integral_value(rounding=ROUND_CEILING)),
    ) % {"years": shown}


def build_snapshot(register: Register) -> dict[str, Any]:
    """Return the register as plain data, every customer-facing text in every language."""
    purposes = list(register.purposes.all())
    purpose_index = {purpose.pk: index for index, purpose in enumerate(purposes)}
    authority = SUPERVISORY_AUTHORITIES[register.country]
    rights = []
    channels = list(register.rights_channels.all())
    for right in Right:
        rights.append(
            {
                "right": right.value,
                "label": in_every_language(right.label),
                "channels": [
                    {
                        "channel": c.channel,
                        "label": _choice(c, "channel"),
                        "value": c.value,
                        "note": c.texts("note"),
                    }
                    for c in channels
                    if c.right == right
                ],
            }
        )
    return {
        "format": SNAPSHOT_FORMAT,
        "language": register.language,
        "country": register.country,
        "country_label": _choice(register, "country"),
        "drawn_up_on": register.drawn_up_on.isoformat() if register.drawn_up_on else None,
        **{name: register.texts(name) for name in register._translated_fields},
        "controllers": [
            {
                "name": c.name,
                "business_id": c.business_id,
                "business_id_kind": c.business_id_kind,
                "business_id_label": _choice(c, "business_id_kind"),
                "address_lines": c.address_lines(),
                "phone": c.phone,
                "email": c.email,
                "website": c.website,
            }
            for c in register.controllers.all()
        ],
        "contacts": [
            {
                "name": c.name,
                "role": c.role,
                "role_label": _choice(c, "role"),
                "emails": c.email_list(),
                "phones": c.phone_list(),
            }
            for c in register.contacts.all()
        ],
        "purposes": [
            {
                "text": p.texts("text"),
                "legal_basis": p.legal_basis,
                "legal_basis_label": _choice(p, "legal_basis"),
                "basis_detail": p.texts("basis_detail"),
                "legitimate_interest": p.texts("legitimate_interest"),
                "is_direct_marketing": p.is_direct_marketing,
            }
            for p in purposes
        ],
        "categories": [
            {
                "name": c.texts("name"),
                "description": c.texts("description"),
                "provided_by_customer": c.provided_by_customer,
                "purposes": sorted(purpose_index[p.pk] for p in c.purposes.all()),
            }
            for c in register.categories.prefetch_related("purposes")
        ],
        "sources": [{"text": s.texts("text")} for s in register.sources.all()],
        "recipients": [
            {
                "name": r.texts("name"),
                "description": r.texts("description"),
                "kind": r.kind,
                "kind_label": _choice(r, "kind"),
                "country": r.country,
                "outside_eea": r.outside_eea,
                "safeguard": r.safeguard,
                "safeguard_label": _choice(r, "safeguard"),
                "safeguard_text": r.texts("safeguard_text"),
                "receives_customer_data": r.receives_customer_data,
            }
            for r in register.recipients.all()
        ],
        "cookies": [
            {
                "provider": c.provider,
                "name": c.name,
                "category": c.category,
                "category_label": _choice(c, "category"),
                "purpose": c.texts("purpose"),
                "duration": c.texts("duration"),
                "third_country": c.third_country,
                "info_url": c.info_url,
            }
            for c in register.cookies.all()
        ],
        "protections": [{"text": p.texts("text")} for p in register.protections.all()],
        "retention": [
            {
                "category": r.category.texts("name") if r.category else None,
                "description": r.texts("description"),
                "period_amount": r.period_amount,
                "period_unit": r.period_unit,
                "period_unit_label": _choice(r, "period_unit"),
                "counts_from": r.counts_from,
                "counts_from_label": _choice(r, "counts_from"),
                "action": r.action,
                "action_label": _choice(r, "action"),
                "rule": r.rule,
            }
            for r in register.retention_rules.select_related("category")
        ],
        "rights": rights,
        **law_snapshot(register),
        "authority": {
            "country": authority.country,
            "name": dict(authority.names),
            "website": authority.website,
        },
    }


def render_notice(snapshot: dict[str, Any], language: str) -> str:
    """Render the notice body (HTML) in ``language`` from a snapshot."""
    data = localise(snapshot, language)
    for category in data["categories"]:
        category["purpose_texts"] = [data["purposes"][i]["text"] for i in category["purposes"]]
    with translation.override(language):
        return render_to_string("register/notice_body.html", {"notice": data, "language": language})


@transaction.atomic
def publish(register: Register, by: AbstractBaseUser | None = None) -> NoticeVersion:
    """Publish ``register`` as the next notice version, or raise ``RegisterIncomplete``.

    The register row is locked for the duration, so two staff members publishing at the
    same moment get consecutive version numbers rather than an error.
    """
    register = Register.objects.select_for_update().get(pk=register.pk)
    missing = missing_for_publication(register)
    if missing:
        raise RegisterIncomplete(missing)
    snapshot = build_snapshot(register)
    number = (NoticeVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    return NoticeVersion.objects.create(
        register=register,
        number=number,
        published_at=timezone.now(),
        published_by=by if by is not None and by.is_authenticated else None,
        content={code: render_notice(snapshot, code) for code in LANGUAGE_CODES},
        snapshot=snapshot,
    )
