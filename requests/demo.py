"""Demo rows old enough for every retention rule, so ``purge_expired --dry-run`` has work on a fresh demo."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from register.models import Register, RetentionKey, RetentionRule
from requests.models import AccessReport, Request

# Executable rules the demo register gets when its description lacks them: key → (amount, unit,
# counts from, description in sv, fi, nb, en).
DEMO_RULES: dict[str, tuple[int, str, str, tuple[str, str, str, str]]] = {
    RetentionKey.UNVERIFIED_REQUEST: (
        7,
        "days",
        "request_received",
        (
            "Begäranden vars e-postadress aldrig bekräftades raderas efter 7 dagar.",
            "Pyynnöt, joiden sähköpostiosoitetta ei koskaan vahvistettu, poistetaan 7 päivän kuluttua.",
            "Forespørsler der e-postadressen aldri ble bekreftet, slettes etter 7 dager.",
            "Requests whose email address was never confirmed are deleted after 7 days.",
        ),
    ),
    RetentionKey.COMPLETED_REQUEST: (
        3,
        "years",
        "request_completed",
        (
            "Avslutade begäranden minimeras 3 år efter avslutandet: vi behåller bara vad som begärdes "
            "och när.",
            "Käsitellyt pyynnöt minimoidaan 3 vuoden kuluttua: säilytämme vain, mitä pyydettiin ja milloin.",
            "Avsluttede forespørsler minimeres 3 år etter avslutning: vi beholder bare hva som ble bedt "
            "om og når.",
            "Closed requests are minimised 3 years after closing: we keep only what was asked and when.",
        ),
    ),
    RetentionKey.ACCESS_REPORT: (
        7,
        "days",
        "creation",
        (
            "Filer med registerutdrag raderas när nedladdningslänken har gått ut.",
            "Tarkastusraporttien tiedostot poistetaan, kun latauslinkki on vanhentunut.",
            "Filer med innsynsrapporter slettes når nedlastingslenken har utløpt.",
            "Access report files are deleted when their download link has expired.",
        ),
    ),
    RetentionKey.HISTORY_ROWS: (
        365,
        "days",
        "creation",
        (
            "Ändringshistorik för kund-, order- och begärandeuppgifter sparas i ett år.",
            "Asiakas-, tilaus- ja pyyntötietojen muutoshistoria säilytetään vuoden.",
            "Endringshistorikk for kunde-, ordre- og forespørselsopplysninger lagres i ett år.",
            "The change history of customer, order and request data is kept for one year.",
        ),
    ),
    RetentionKey.ERASED_CONSENTS: (
        30,
        "days",
        "creation",
        (
            "Samtyckeshistorik för raderade kunder tas bort efter 30 dagar; beviset på återkallelsen sparas.",
            "Poistettujen asiakkaiden suostumushistoria poistetaan 30 päivän kuluttua; todiste peruutuksesta "
            "säilytetään.",
            "Samtykkehistorikk for slettede kunder fjernes etter 30 dager; beviset på tilbaketrekkingen "
            "beholdes.",
            "The consent history of erased customers is removed after 30 days; the proof of withdrawal "
            "is kept.",
        ),
    ),
    RetentionKey.WEBHOOK_DELIVERIES: (
        90,
        "days",
        "creation",
        (
            "Loggen över webhookleveranser från webbutiken raderas efter 90 dagar.",
            "Verkkokaupasta saapuneiden webhook-toimitusten loki poistetaan 90 päivän kuluttua.",
            "Loggen over webhook-leveranser fra nettbutikken slettes etter 90 dager.",
            "The log of webhooks received from the web shop is deleted after 90 days.",
        ),
    ),
}


# Rows the apps above this one add for their own rules: callables ``(now) -> {what: count}``, appended by
# their ``retention.py`` (the webhook log's, ``api.retention``).
MORE_EXAMPLES: list[Callable[[datetime], dict[str, int]]] = []


def add_retention_examples(now: datetime | None = None) -> dict[str, int]:
    """Give the current register every executable rule and add rows each rule finds expired.

    Returns how many rows of each kind were added. Does nothing without a current register.
    """
    register = Register.objects.current()
    if register is None:
        return {}
    now = now or timezone.now()
    day = timedelta(days=1)
    added: dict[str, int] = {}
    with transaction.atomic():
        added["rules"] = _add_missing_rules(register)
        old = [
            Request(
                kind=Request.Kind.ACCESS,
                status=Request.Status.AWAITING_VERIFICATION,
                email=f"unverified{n}@example.fi",
                language="fi",
                received_at=now - (10 + n) * day,
            )
            for n in range(5)
        ]
        old += [
            Request(
                kind=kind,
                status=Request.Status.COMPLETED,
                email=f"closed{n}@example.se",
                name="Demo Kund",
                message="Vilka uppgifter har ni om mig?",
                language="sv",
                received_at=now - (5 * 365 + n) * day,
                verified_at=now - (5 * 365 + n) * day,
                completed_at=now - (4 * 365 + n) * day,
                closed_at=now - (4 * 365 + n) * day,
            )
            for n, kind in enumerate([Request.Kind.ACCESS, Request.Kind.ERASURE, Request.Kind.OBJECTION] * 2)
        ]
        for request in old:
            request.save()  # through save(): the due date is computed and a history row written
        added["requests"] = len(old)
        added["access_reports"] = _add_expired_reports(old[-1], now)
        added["history_rows"] = _age_history(now - 2 * 365 * day)
        added["erased_customers"] = _add_erased_customers(now - 90 * day)
        for add in MORE_EXAMPLES:
            added.update(add(now))
    return added


def _add_missing_rules(register: Register) -> int:
    present = set(register.retention_rules.values_list("rule", flat=True))
    position = register.retention_rules.count()
    created = 0
    for key, (amount, unit, counts_from, texts) in DEMO_RULES.items():
        if key in present:
            continue
        descriptions = {
            f"description_{code}": text for code, text in zip(("sv", "fi", "nb", "en"), texts, strict=True)
        }
        RetentionRule.objects.create(
            register=register,
            rule=key,
            period_amount=amount,
            period_unit=unit,
            counts_from=counts_from,
            position=position + created,
            staff_note="Added by the demo data so that every retention rule has work.",
            **descriptions,
        )
        created += 1
    return created


def _add_expired_reports(request: Request, now: datetime) -> int:
    folder = settings.PRIVATE_STORAGE_ROOT / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for n in range(3):
        path = folder / f"expired-report-{request.pk}-{n}.zip"
        path.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty ZIP archive
        AccessReport.objects.create(
            request=request,
            kind=AccessReport.Kind.ACCESS,
            file_path=str(path.relative_to(settings.PRIVATE_STORAGE_ROOT)),
            created_at=now - (40 + n) * timedelta(days=1),
            expires_at=now - (33 + n) * timedelta(days=1),
            sha256="0" * 64,
            size=22,
        )
        count += 1
    return count


def _age_history(when: datetime) -> int:
    """Write a history row for some customers (bulk demo data has none) dated ``when``."""
    aged = 0
    for customer in Customer.objects.filter(erased_at__isnull=True).order_by("pk")[:20]:
        customer.save()
        aged += Customer.history.filter(id=customer.pk).update(history_date=when)
    return aged


def _add_erased_customers(erased_at: datetime) -> int:
    """Customers erased in the shop's earlier system, whose consent history came along with them."""
    with_consents = (
        Customer.objects.filter(erased_at__isnull=True, consent_events__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()[:5]
    )
    pks = list(with_consents)
    cleared = dict.fromkeys(
        ("first_name", "last_name", "email", "email_normalized", "email_digest", "phone", "phone_normalized")
        + ("phone_digest", "street_address", "identity_number", "bank_account", "username"),
        "",
    )
    Customer.objects.filter(pk__in=pks).update(erased_at=erased_at, **cleared)
    return len(pks)


def request_series_values() -> dict[str, str]:
    """SQL for each column of a request made from ``generate_series(…) AS i``: benchmarks' requests.

    Every kind in turn; half completed, one in six rejected, the rest open; received over the last 400 days.
    """
    kinds = ", ".join(f"'{kind}'" for kind in Request.Kind.values)
    statuses = "'completed', 'completed', 'completed', 'in_progress', 'verified', 'rejected'"
    received = "now() - (i % 400) * INTERVAL '1 day'"
    done = f"{received} + (i % 40) * INTERVAL '1 day'"
    return {
        "kind": f"(ARRAY[{kinds}])[1 + i % {len(Request.Kind.values)}]",
        "status": f"(ARRAY[{statuses}])[1 + i % 6]",
        "email": "'req' || i || '@example.com'",
        "email_normalized": "'req' || i || '@example.com'",
        "name": "'Asker ' || i",
        "language": "'fi'",
        "received_via": "'web_form'",
        "received_at": received,
        "due_date": f"({received} + INTERVAL '1 month')::date",
        "completed_at": f"CASE WHEN i % 6 < 3 THEN {done} END",
        "closed_at": f"CASE WHEN i % 6 IN (0, 1, 2, 5) THEN {done} END",
        "rejection_reason": "CASE WHEN i % 6 = 5 THEN 'excessive' ELSE '' END",
        "rejection_justification": "CASE WHEN i % 6 = 5 THEN 'bench' ELSE '' END",
    }
