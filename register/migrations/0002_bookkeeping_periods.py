"""Initial bookkeeping periods from docs/legal.md (frozen here; the DPO edits them in the admin)."""

from decimal import Decimal

from django.db import migrations

FI = "Kirjanpitolaki 1336/1997, 2 luku 10 §"
SE = "Bokföringslagen 1999:1078, 7 kap. 2 §"
NO = "Bokføringsloven § 13"
EE = "Raamatupidamise seadus § 12"
EE_VAT = "Käibemaksuseadus § 36"
FY = "end_of_financial_year"
CY = "end_of_calendar_year"

PERIODS = [
    ("FI", "ledger", "10", FY, FI),
    ("FI", "voucher", "6", CY, FI),
    ("FI", "invoice", "6", CY, FI),
    ("FI", "primary", "6", CY, FI),
    ("FI", "secondary", "6", CY, FI),
    ("SE", "ledger", "7", CY, SE),
    ("SE", "voucher", "7", CY, SE),
    ("SE", "invoice", "7", CY, SE),
    ("SE", "primary", "7", CY, SE),
    ("SE", "secondary", "7", CY, SE),
    ("NO", "ledger", "5", FY, NO),
    ("NO", "voucher", "5", FY, NO),
    ("NO", "invoice", "5", FY, NO),
    ("NO", "primary", "5", FY, NO),
    ("NO", "secondary", "3.5", FY, NO),
    ("EE", "ledger", "7", FY, EE),
    ("EE", "voucher", "7", FY, EE),
    ("EE", "invoice", "7", "issue_date", EE_VAT),
    ("EE", "primary", "7", FY, EE),
    ("EE", "secondary", "7", FY, EE),
]


def add_periods(apps, schema_editor):
    BookkeepingPeriod = apps.get_model("register", "BookkeepingPeriod")
    for country, kind, years, counts_from, statute in PERIODS:
        BookkeepingPeriod.objects.update_or_create(
            country=country,
            kind=kind,
            defaults={"years": Decimal(years), "counts_from": counts_from, "statute": statute},
        )


def remove_periods(apps, schema_editor):
    BookkeepingPeriod = apps.get_model("register", "BookkeepingPeriod")
    for country, kind, *_rest in PERIODS:
        BookkeepingPeriod.objects.filter(country=country, kind=kind).delete()


class Migration(migrations.Migration):
    dependencies = [("register", "0001_register_description")]

    operations = [migrations.RunPython(add_periods, remove_periods)]
