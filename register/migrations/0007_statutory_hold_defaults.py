"""Initial statutory holds from docs/legal.md, marked for the DPO to check (frozen here)."""

from django.db import migrations

CONSUMER = ["orders", "order_lines", "returns"]
DEBT = ["orders", "order_lines", "invoices", "payments"]

# (country, kind, statute, records, counts from, years, condition, keeps identifiers, in force, note)
HOLDS = [
    ("SE", "consumer_complaint", "Konsumentköplagen (2022:260)", CONSUMER, "delivery", 3, "always", False, True, ""),
    ("NO", "consumer_complaint", "Forbrukerkjøpsloven § 27", CONSUMER, "delivery", 2, "always", False, True, ""),
    (
        "NO",
        "consumer_complaint",
        "Forbrukerkjøpsloven § 27 (goods meant to last considerably longer)",
        CONSUMER,
        "delivery",
        5,
        "always",
        False,
        False,
        "Put in force when the shop sells goods meant to last considerably longer than two years "
        "(furniture, appliances, …); the longer period then keeps every order.",
    ),
    ("EE", "consumer_complaint", "Võlaõigusseadus § 218", CONSUMER, "delivery", 2, "always", False, True, ""),
    (
        "FI",
        "limitation",
        "Laki velan vanhentumisesta (728/2003) 4 §",
        CONSUMER,
        "delivery",
        3,
        "always",
        False,
        True,
        "Kuluttajansuojalaki has no fixed complaint period (reasonable time); the general limitation "
        "period bounds a claim.",
    ),
    (
        "",
        "debt_collection",
        "GDPR Art. 17(3)(e)",
        DEBT,
        "invoice_due",
        None,
        "unpaid_in_collection",
        True,
        True,
        "The shop's own claim: kept until settled. Set a period to end it also when the claim is time-barred.",
    ),
]


def add_holds(apps, schema_editor):
    StatutoryHold = apps.get_model("register", "StatutoryHold")
    for country, kind, statute, records, counts_from, years, condition, keeps, active, note in HOLDS:
        StatutoryHold.objects.update_or_create(
            country=country,
            kind=kind,
            statute=statute,
            defaults={
                "records": records,
                "counts_from": counts_from,
                "period_amount": years,
                "period_unit": "years",
                "condition": condition,
                "keeps_identifiers": keeps,
                "is_active": active,
                "needs_review": True,
                "note": note,
            },
        )


def remove_holds(apps, schema_editor):
    StatutoryHold = apps.get_model("register", "StatutoryHold")
    for country, kind, statute, *_rest in HOLDS:
        StatutoryHold.objects.filter(country=country, kind=kind, statute=statute).delete()


class Migration(migrations.Migration):
    dependencies = [("register", "0006_statutory_holds")]

    operations = [migrations.RunPython(add_holds, remove_holds)]
