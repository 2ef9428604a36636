from django.db import migrations

# The four purposes the seeds' register descriptions name: newsletter by email, SMS and postal
# direct marketing, and personalisation (profiling, GDPR Art. 21(2)). The shop can add more.
PURPOSES = [
    {
        "code": "newsletter_email",
        "channel": "email",
        "is_marketing": True,
        "name_sv": "Nyhetsbrev per e-post",
        "name_fi": "Uutiskirje sähköpostitse",
        "name_nb": "Nyhetsbrev på e-post",
        "name_en": "Email newsletter",
    },
    {
        "code": "sms_marketing",
        "channel": "sms",
        "is_marketing": True,
        "name_sv": "Marknadsföring via sms",
        "name_fi": "Tekstiviestimarkkinointi",
        "name_nb": "Markedsføring på SMS",
        "name_en": "SMS marketing",
    },
    {
        "code": "postal_marketing",
        "channel": "post",
        "is_marketing": True,
        "name_sv": "Direktreklam per post",
        "name_fi": "Suoramarkkinointi postitse",
        "name_nb": "Direkte markedsføring i posten",
        "name_en": "Postal direct marketing",
    },
    {
        "code": "personalisation",
        "channel": "profiling",
        "is_marketing": True,
        "name_sv": "Personliga erbjudanden utifrån köphistorik",
        "name_fi": "Ostohistoriaan perustuvat henkilökohtaiset tarjoukset",
        "name_nb": "Personlige tilbud basert på kjøpshistorikk",
        "name_en": "Personalised offers based on purchase history",
    },
]


def create_purposes(apps, schema_editor):
    ConsentPurpose = apps.get_model("customers", "ConsentPurpose")
    for purpose in PURPOSES:
        ConsentPurpose.objects.update_or_create(code=purpose["code"], defaults=purpose)


def remove_purposes(apps, schema_editor):
    ConsentPurpose = apps.get_model("customers", "ConsentPurpose")
    ConsentPurpose.objects.filter(code__in=[p["code"] for p in PURPOSES], events__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_customers_orders_consent_ledger"),
    ]

    operations = [
        migrations.RunPython(create_purposes, remove_purposes),
    ]
