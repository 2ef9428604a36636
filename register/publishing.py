"""Publishing the register description as an immutable notice version (GDPR Art. 13).

``check_publication(register)`` returns what Art. 13 requires and the register lacks, grouped for the
shop owner: real gaps first, then the missing translations per published language, each item named so
it can be found and linked to the admin page of its part. ``publish(register, by=user)`` refuses while
anything is missing, otherwise freezes the register into a snapshot and renders the notice from it in
each published language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from register.legal import SUPERVISORY_AUTHORITIES
from register.models import (
    BookkeepingPeriod,
    Country,
    HoldKind,
    IdentityEvidence,
    NoticeVersion,
    Register,
    Right,
    StatutoryHold,
)
from register.retention_text import retention_sentence, retention_sentences
from register.stored_pages import notice_published
from register.translation import LANGUAGE_CODES, in_every_language, localise

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

# 2: published languages, contact addresses, retention rules covering several categories with their
# sentence in every language, the "no regular disclosures" statement.
SNAPSHOT_FORMAT = 2

# "12 texts missing in Finnish": one whole sentence per language, so the language's name is never put
# into another language's grammar.
MISSING_IN_LANGUAGE = {
    "sv": ngettext_lazy("%(count)s text missing in Swedish", "%(count)s texts missing in Swedish", "count"),
    "fi": ngettext_lazy("%(count)s text missing in Finnish", "%(count)s texts missing in Finnish", "count"),
    "nb": ngettext_lazy(
        "%(count)s text missing in Norwegian", "%(count)s texts missing in Norwegian", "count"
    ),
    "en": ngettext_lazy("%(count)s text missing in English", "%(count)s texts missing in English", "count"),
}


@dataclass
class Gap:
    """One thing publishing needs: what, in the staff member's language, and where to fix it."""

    text: str
    url: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass
class LanguageGaps:
    """The texts a published language still lacks."""

    language: str
    items: list[Gap] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(dict(settings.LANGUAGES).get(self.language, self.language))

    @property
    def summary(self) -> str:
        count = len(self.items)
        if self.language in MISSING_IN_LANGUAGE:
            return MISSING_IN_LANGUAGE[self.language] % {"count": count}
        return ngettext(
            "%(language)s: %(count)s text missing", "%(language)s: %(count)s texts missing", count
        ) % {"language": self.name, "count": count}


@dataclass
class PublicationCheck:
    """What publishing still needs: GDPR gaps first, then missing translations per language."""

    gaps: list[Gap] = field(default_factory=list)
    translations: list[LanguageGaps] = field(default_factory=list)

    @property
    def publishable(self) -> bool:
        return not self.gaps and not self.translations

    def as_list(self) -> list[str]:
        """One line per gap, then one per language ("12 texts missing in Finnish")."""
        return [gap.text for gap in self.gaps] + [language.summary for language in self.translations]


class RegisterIncomplete(Exception):
    """Publishing was refused; ``missing`` names what GDPR Art. 13 still requires (``check``: grouped)."""

    def __init__(self, missing: list[str], check: PublicationCheck | None = None):
        self.missing = missing
        self.check = check
        super().__init__("; ".join(missing))


def admin_url(obj: models.Model, anchor: str = "") -> str:
    """The admin change page of ``obj``, at the field or inline group ``anchor``."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return f"{url}#{anchor}" if anchor else url


def _field_label(obj: models.Model, name: str) -> str:
    verbose = str(obj._meta.get_field(f"{name}_{LANGUAGE_CODES[0]}").verbose_name)
    return verbose.rsplit(" (", 1)[0]


def _quoted(text: str, fallback: str) -> str:
    text = " ".join((text or "").split())
    return f"“{Truncator(text).chars(60)}”" if text else fallback


class _Checker:
    def __init__(self, register: Register) -> None:
        self.register = register
        self.original = register.language
        self.languages = register.publishing_languages()
        self.check = PublicationCheck()
        self._by_language: dict[str, LanguageGaps] = {
            code: LanguageGaps(code) for code in self.languages if code != self.original
        }

    def gap(self, text: str, obj: models.Model | None = None, anchor: str = "") -> None:
        self.check.gaps.append(Gap(text, admin_url(obj or self.register, anchor)))

    def texts(self, obj: models.Model, label: str) -> None:
        """Texts of ``obj`` missing in the original language (a gap) or in a published translation."""
        for name, code in obj.missing_translations(self.languages):
            field_label = _field_label(obj, name)
            url = admin_url(obj, f"id_{name}_{code}")
            if code == self.original or code not in self._by_language:
                language = str(dict(settings.LANGUAGES).get(code, code))
                self.check.gaps.append(
                    Gap(
                        _("%(item)s: “%(field)s” is missing in the original language (%(language)s).")
                        % {"item": label, "field": field_label, "language": language},
                        url,
                    )
                )
            else:
                self._by_language[code].items.append(
                    Gap(_("%(item)s: “%(field)s”") % {"item": label, "field": field_label}, url)
                )

    def result(self) -> PublicationCheck:
        self.check.translations = [gaps for gaps in self._by_language.values() if gaps.items]
        return self.check


def check_publication(register: Register) -> PublicationCheck:
    """Return, in the staff member's language, what GDPR Art. 13 requires and ``register`` lacks."""
    c = _Checker(register)
    c.texts(register, _("Register"))

    controllers = list(register.controllers.all())
    if not controllers:
        c.gap(_("No controller (GDPR Art. 13(1)(a))."), anchor="controllers-group")
    for controller in controllers:
        if not (controller.address_lines() or controller.email or controller.phone):
            c.gap(
                _("Controller “%(name)s” has no contact details (GDPR Art. 13(1)(a)).")
                % {"name": controller.name},
                controller,
                "id_street_address",
            )
        if error := controller.business_id_error():
            c.gap(
                _("Controller “%(name)s”: %(error)s") % {"name": controller.name, "error": error},
                controller,
                "id_business_id",
            )

    contacts = list(register.contacts.all())
    if not any(p.email_list() or p.phone_list() or p.address_lines() for p in contacts):
        c.gap(
            _(
                "No contact person with an email address, phone number or postal address "
                "(GDPR Art. 13(1)(b))."
            ),
            anchor="contacts-group",
        )

    recipients = list(register.recipients.all())
    recipient_kinds = {recipient.kind for recipient in recipients}
    purposes = list(register.purposes.all())
    if not purposes:
        c.gap(_("No purpose of processing (GDPR Art. 13(1)(c))."), anchor="purposes-group")
    for number, purpose in enumerate(purposes, 1):
        label = _("Purpose %(text)s") % {"text": _quoted(purpose.text, str(number))}
        if not purpose.legal_basis:
            c.gap(
                _("%(item)s has no legal basis (GDPR Art. 13(1)(c)).") % {"item": label},
                purpose,
                "id_legal_basis",
            )
        if purpose.legal_basis == "f" and not any(purpose.texts("legitimate_interest").values()):
            c.gap(
                _("%(item)s: the legitimate interest is not stated (GDPR Art. 13(1)(d)).") % {"item": label},
                purpose,
                f"id_legitimate_interest_{c.original}",
            )
        if purpose.needs_recipient_kind and purpose.needs_recipient_kind not in recipient_kinds:
            c.gap(
                _(
                    "%(item)s needs a recipient of the kind “%(kind)s”, and none is listed "
                    "(GDPR Art. 13(1)(e))."
                )
                % {"item": label, "kind": purpose.get_needs_recipient_kind_display()},
                purpose,
                "id_needs_recipient_kind",
            )
        c.texts(purpose, label)

    categories = list(register.categories.prefetch_related("retention_rules"))
    if not categories:
        c.gap(_("No personal-data category (GDPR Art. 30(1)(c))."), anchor="categories-group")
    for category in categories:
        label = _("Data category “%(name)s”") % {"name": category.name}
        if not category.retention_rules.all():
            c.gap(
                _("%(item)s has no retention rule (GDPR Art. 13(2)(a)).") % {"item": label},
                anchor="retention_rules-group",
            )
        c.texts(category, label)

    sources = list(register.sources.all())
    if not sources:
        c.gap(_("No source of the data (GDPR Art. 14(2)(f), 15(1)(g))."), anchor="sources-group")
    for number, source in enumerate(sources, 1):
        c.texts(source, _("Source %(text)s") % {"text": _quoted(source.text, str(number))})

    if not recipients and not register.no_regular_disclosures:
        c.gap(
            _(
                "No recipient is listed: list the recipients, or tick “no regular disclosures” if customer "
                "data is not regularly disclosed to anyone (GDPR Art. 13(1)(e))."
            ),
            anchor="id_no_regular_disclosures",
        )
    if recipients and register.no_regular_disclosures:
        c.gap(
            _("“No regular disclosures” is ticked, but recipients are listed: untick it or remove them."),
            anchor="id_no_regular_disclosures",
        )
    for recipient in recipients:
        label = _("Recipient “%(name)s”") % {"name": recipient.name}
        if recipient.lacks_safeguard():
            c.gap(
                _("%(item)s is outside the EU/EEA but has no safeguard (GDPR Art. 13(1)(f), 46).")
                % {"item": label},
                recipient,
                "id_safeguard",
            )
        c.texts(recipient, label)

    for cookie in register.cookies.all():
        c.texts(cookie, _("Cookie “%(name)s”") % {"name": cookie})

    protections = list(register.protections.all())
    if not protections:
        c.gap(_("No protection principle (GDPR Art. 30(1)(g), 32)."), anchor="protections-group")
    for number, protection in enumerate(protections, 1):
        c.texts(
            protection, _("Protection principle %(text)s") % {"text": _quoted(protection.text, str(number))}
        )

    for number, rule in enumerate(register.retention_rules.prefetch_related("categories"), 1):
        label = rule.label(number)
        if error := rule.event_error():
            c.gap(_("%(item)s: %(error)s") % {"item": label, "error": error}, rule, "id_counts_from")
        c.texts(rule, label)

    channels = list(register.rights_channels.all())
    if not channels:
        c.gap(
            _("No way for customers to exercise their rights (GDPR Art. 12(2), 13(2)(b))."),
            anchor="rights_channels-group",
        )
    else:
        covered = {channel.right for channel in channels}
        for right in Right:
            if right not in covered:
                c.gap(
                    _("No channel for the right “%(right)s” (GDPR Art. 13(2)(b), (c)).")
                    % {"right": right.label},
                    anchor="rights_channels-group",
                )
    for channel in channels:
        c.texts(channel, str(channel))
    for rule in register.identity_rules.all():
        label = _("Identity rule “%(right)s”") % {"right": rule.get_right_display()}
        if not rule.accepted():
            c.gap(_("%(item)s: no evidence is ticked as sufficient.") % {"item": label}, rule)
        elif rule.accepts_other and not rule.texts("note").get(register.language):
            c.gap(_("%(item)s: say in the note which other evidence suffices.") % {"item": label}, rule)
        c.texts(rule, label)
    return c.result()


def missing_for_publication(register: Register) -> list[str]:
    """Return, one line each, what GDPR Art. 13 requires and ``register`` lacks (``check_publication``)."""
    return check_publication(register).as_list()


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
    """Return the register as plain data, every customer-facing text in every published language.

    Texts in languages the register does not publish are left out (empty), so a half-written
    translation is never shown; labels of the product's own choices are kept in every language.
    """
    published = register.publishing_languages()

    def texts(obj: models.Model, name: str) -> dict[str, str]:
        return {code: (value if code in published else "") for code, value in obj.texts(name).items()}

    purposes = list(register.purposes.all())
    purpose_index = {purpose.pk: index for index, purpose in enumerate(purposes)}
    authority = SUPERVISORY_AUTHORITIES[register.country]
    rights = []
    channels = list(register.rights_channels.all())
    identity_rules = {rule.right: rule for rule in register.identity_rules.all()}
    for right in Right:
        rule = identity_rules.get(right.value)
        rights.append(
            {
                "right": right.value,
                "label": in_every_language(right.label),
                # Which identity evidence suffices for the right; None: the usual verification.
                "identity": None
                if rule is None
                else {
                    "evidence": rule.accepted(),
                    "labels": [in_every_language(IdentityEvidence(kind).label) for kind in rule.accepted()],
                    "note": texts(rule, "note"),
                },
                "channels": [
                    {
                        "channel": c.channel,
                        "label": _choice(c, "channel"),
                        "value": c.value,
                        "note": texts(c, "note"),
                    }
                    for c in channels
                    if c.right == right
                ],
            }
        )
    return {
        "format": SNAPSHOT_FORMAT,
        "language": register.language,
        "languages": published,
        "country": register.country,
        "country_label": _choice(register, "country"),
        "drawn_up_on": register.drawn_up_on.isoformat() if register.drawn_up_on else None,
        **{name: texts(register, name) for name in register._translated_fields},
        "no_regular_disclosures": register.no_regular_disclosures,
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
                "address_lines": c.address_lines(),
            }
            for c in register.contacts.all()
        ],
        "purposes": [
            {
                "text": texts(p, "text"),
                "legal_basis": p.legal_basis,
                "legal_basis_label": _choice(p, "legal_basis"),
                "basis_detail": texts(p, "basis_detail"),
                "legitimate_interest": texts(p, "legitimate_interest"),
                "is_direct_marketing": p.is_direct_marketing,
                "needs_recipient_kind": p.needs_recipient_kind,
            }
            for p in purposes
        ],
        "categories": [
            {
                "name": texts(c, "name"),
                "description": texts(c, "description"),
                "provided_by_customer": c.provided_by_customer,
                "purposes": sorted(purpose_index[p.pk] for p in c.purposes.all()),
            }
            for c in register.categories.prefetch_related("purposes")
        ],
        "sources": [{"text": texts(s, "text")} for s in register.sources.all()],
        "recipients": [
            {
                "name": texts(r, "name"),
                "description": texts(r, "description"),
                "kind": r.kind,
                "kind_label": _choice(r, "kind"),
                "country": r.country,
                "outside_eea": r.outside_eea,
                "safeguard": r.safeguard,
                "safeguard_label": _choice(r, "safeguard"),
                "safeguard_text": texts(r, "safeguard_text"),
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
                "purpose": texts(c, "purpose"),
                "duration": texts(c, "duration"),
                "third_country": c.third_country,
                "info_url": c.info_url,
            }
            for c in register.cookies.all()
        ],
        "protections": [{"text": texts(p, "text")} for p in register.protections.all()],
        "retention": [
            {
                "categories": [texts(category, "name") for category in r.categories.all()],
                "sentence": retention_sentences(r.period_amount, r.period_unit, r.counts_from, r.action),
                "description": texts(r, "description"),
                "period_amount": r.period_amount,
                "period_unit": r.period_unit,
                "counts_from": r.counts_from,
                "action": r.action,
                "rule": r.rule,
            }
            for r in register.retention_rules.prefetch_related("categories")
        ],
        "rights": rights,
        **law_snapshot(register),
        "authority": {
            "country": authority.country,
            "name": dict(authority.names),
            "website": authority.website,
        },
    }


def localise_snapshot(snapshot: dict[str, Any], language: str) -> dict[str, Any]:
    """The snapshot's texts in ``language``, else in the register's original language.

    Works on every snapshot format: a notice published before retention rules had their sentence
    (format 1) gets it from the rule's stored period, event and action.
    """
    data = localise(snapshot, language, snapshot.get("language"))
    for category in data.get("categories", []):
        category["purpose_texts"] = [data["purposes"][i]["text"] for i in category.get("purposes", [])]
    for rule in data.get("retention", []):
        if "categories" not in rule:
            rule["categories"] = [rule["category"]] if rule.get("category") else []
        if not rule.get("sentence"):
            with translation.override(language):
                rule["sentence"] = retention_sentence(
                    rule.get("period_amount", 0),
                    rule.get("period_unit", ""),
                    rule.get("counts_from", ""),
                    rule.get("action", ""),
                )
    return data


def render_notice(snapshot: dict[str, Any], language: str) -> str:
    """Render the notice body (HTML) in ``language`` from a snapshot."""
    data = localise_snapshot(snapshot, language)
    with translation.override(language):
        return render_to_string("register/notice_body.html", {"notice": data, "language": language})


@transaction.atomic
def publish(register: Register, by: AbstractBaseUser | None = None) -> NoticeVersion:
    """Publish ``register`` as the next notice version, or raise ``RegisterIncomplete``.

    The notice is rendered in each language the register publishes. The register row is locked for
    the duration, so two staff members publishing at the same moment get consecutive version numbers
    rather than an error.
    """
    register = Register.objects.select_for_update().get(pk=register.pk)
    check = check_publication(register)
    if not check.publishable:
        raise RegisterIncomplete(check.as_list(), check)
    snapshot = build_snapshot(register)
    number = (NoticeVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    # This process serves the new version at once, every other within NOTICE_CHECK_SECONDS of the commit
    # (register.stored_pages.notice_state).
    notice_published()
    return NoticeVersion.objects.create(
        register=register,
        number=number,
        published_at=timezone.now(),
        published_by=by if by is not None and by.is_authenticated else None,
        content={code: render_notice(snapshot, code) for code in snapshot["languages"]},
        snapshot=snapshot,
    )
