"""Facts a notice must hold: contact addresses, recipients a purpose needs, "no regular disclosures",
published languages, business ids by kind, one email definition, debt collection as a recipient kind.

Existing registers keep publishing in all four languages, as before; the Finnish business id has one
kind (Y-tunnus, called FO-nummer in Swedish).
"""

import register.email_address
import register.translation
from django.db import migrations, models

ALL_LANGUAGES = ["sv", "fi", "nb", "en"]


def forwards(apps, schema_editor):
    Register = apps.get_model("register", "Register")
    Controller = apps.get_model("register", "Controller")
    Register.objects.update(published_languages=ALL_LANGUAGES)
    Controller.objects.filter(business_id_kind="fo_nummer").update(business_id_kind="y_tunnus")


def backwards(apps, schema_editor):
    # The two Finnish kinds were one identifier under two names; going back keeps "y_tunnus".
    pass


class Migration(migrations.Migration):

    dependencies = [
        ('register', '0008_purge_row_failures'),
    ]

    operations = [
        migrations.AddField(
            model_name='contactperson',
            name='city',
            field=models.CharField(blank=True, max_length=100, verbose_name='city'),
        ),
        migrations.AddField(
            model_name='contactperson',
            name='country',
            field=models.CharField(blank=True, help_text='ISO code, e.g. FI.', max_length=2, verbose_name='country'),
        ),
        migrations.AddField(
            model_name='contactperson',
            name='postal_code',
            field=models.CharField(blank=True, max_length=20, verbose_name='postal code'),
        ),
        migrations.AddField(
            model_name='contactperson',
            name='region',
            field=models.CharField(blank=True, max_length=100, verbose_name='region'),
        ),
        migrations.AddField(
            model_name='contactperson',
            name='street_address',
            field=models.CharField(blank=True, max_length=200, verbose_name='street address'),
        ),
        migrations.AddField(
            model_name='historicalcontactperson',
            name='city',
            field=models.CharField(blank=True, max_length=100, verbose_name='city'),
        ),
        migrations.AddField(
            model_name='historicalcontactperson',
            name='country',
            field=models.CharField(blank=True, help_text='ISO code, e.g. FI.', max_length=2, verbose_name='country'),
        ),
        migrations.AddField(
            model_name='historicalcontactperson',
            name='postal_code',
            field=models.CharField(blank=True, max_length=20, verbose_name='postal code'),
        ),
        migrations.AddField(
            model_name='historicalcontactperson',
            name='region',
            field=models.CharField(blank=True, max_length=100, verbose_name='region'),
        ),
        migrations.AddField(
            model_name='historicalcontactperson',
            name='street_address',
            field=models.CharField(blank=True, max_length=200, verbose_name='street address'),
        ),
        migrations.AddField(
            model_name='historicalpurpose',
            name='needs_recipient_kind',
            field=models.CharField(blank=True, choices=[('processor', 'Processor'), ('carrier', 'Carrier'), ('payment', 'Payment service'), ('accounting', 'Accounting'), ('debt_collection', 'Debt collection'), ('it_service', 'IT service'), ('authority', 'Authority'), ('other', 'Other')], help_text='For a purpose that cannot be carried out without one, e.g. delivering orders needs a carrier and taking payments a payment service. Publishing then requires a recipient of this kind.', max_length=20, verbose_name='needs a recipient of kind'),
        ),
        migrations.AddField(
            model_name='historicalregister',
            name='no_regular_disclosures',
            field=models.BooleanField(default=False, help_text='Tick when customer data is not regularly disclosed to anyone: the notice then says so in place of a list of recipients. Without this, publishing needs at least one recipient (GDPR Art. 13(1)(e)).', verbose_name='no regular disclosures'),
        ),
        migrations.AddField(
            model_name='historicalregister',
            name='published_languages',
            field=register.translation.LanguagesField(blank=True, default=list, help_text='The languages the privacy notice is published in; the original language always is. Publishing needs every text in these languages only. A visitor who reads another language sees the notice in the original language, with a line saying so.', verbose_name='published languages'),
        ),
        migrations.AddField(
            model_name='purpose',
            name='needs_recipient_kind',
            field=models.CharField(blank=True, choices=[('processor', 'Processor'), ('carrier', 'Carrier'), ('payment', 'Payment service'), ('accounting', 'Accounting'), ('debt_collection', 'Debt collection'), ('it_service', 'IT service'), ('authority', 'Authority'), ('other', 'Other')], help_text='For a purpose that cannot be carried out without one, e.g. delivering orders needs a carrier and taking payments a payment service. Publishing then requires a recipient of this kind.', max_length=20, verbose_name='needs a recipient of kind'),
        ),
        migrations.AddField(
            model_name='register',
            name='no_regular_disclosures',
            field=models.BooleanField(default=False, help_text='Tick when customer data is not regularly disclosed to anyone: the notice then says so in place of a list of recipients. Without this, publishing needs at least one recipient (GDPR Art. 13(1)(e)).', verbose_name='no regular disclosures'),
        ),
        migrations.AddField(
            model_name='register',
            name='published_languages',
            field=register.translation.LanguagesField(blank=True, default=list, help_text='The languages the privacy notice is published in; the original language always is. Publishing needs every text in these languages only. A visitor who reads another language sees the notice in the original language, with a line saying so.', verbose_name='published languages'),
        ),
        migrations.AlterField(
            model_name='contactperson',
            name='emails',
            field=models.TextField(blank=True, help_text='One per line.', validators=[register.email_address.EmailLinesValidator()], verbose_name='email addresses'),
        ),
        migrations.AlterField(
            model_name='controller',
            name='business_id',
            field=models.CharField(blank=True, help_text='Checked against its check digit and written the customary way when saved.', max_length=40, verbose_name='business id'),
        ),
        migrations.AlterField(
            model_name='controller',
            name='business_id_kind',
            field=models.CharField(blank=True, choices=[('y_tunnus', 'Finnish business ID (Y-tunnus)'), ('organisationsnummer', 'Swedish organisation number (organisationsnummer)'), ('organisasjonsnummer', 'Norwegian organisation number (organisasjonsnummer)'), ('registrikood', 'Estonian registry code (registrikood)'), ('vat', 'VAT number')], max_length=30, verbose_name='kind of business id'),
        ),
        migrations.AlterField(
            model_name='controller',
            name='email',
            field=register.email_address.EmailAddressField(blank=True, max_length=254, verbose_name='email'),
        ),
        migrations.AlterField(
            model_name='historicalcontactperson',
            name='emails',
            field=models.TextField(blank=True, help_text='One per line.', validators=[register.email_address.EmailLinesValidator()], verbose_name='email addresses'),
        ),
        migrations.AlterField(
            model_name='historicalcontroller',
            name='business_id',
            field=models.CharField(blank=True, help_text='Checked against its check digit and written the customary way when saved.', max_length=40, verbose_name='business id'),
        ),
        migrations.AlterField(
            model_name='historicalcontroller',
            name='business_id_kind',
            field=models.CharField(blank=True, choices=[('y_tunnus', 'Finnish business ID (Y-tunnus)'), ('organisationsnummer', 'Swedish organisation number (organisationsnummer)'), ('organisasjonsnummer', 'Norwegian organisation number (organisasjonsnummer)'), ('registrikood', 'Estonian registry code (registrikood)'), ('vat', 'VAT number')], max_length=30, verbose_name='kind of business id'),
        ),
        migrations.AlterField(
            model_name='historicalcontroller',
            name='email',
            field=register.email_address.EmailAddressField(blank=True, max_length=254, verbose_name='email'),
        ),
        migrations.AlterField(
            model_name='historicalrecipient',
            name='email',
            field=register.email_address.EmailAddressField(blank=True, help_text='Where GDPR Art. 19 notifications are sent.', max_length=254, verbose_name='notification email'),
        ),
        migrations.AlterField(
            model_name='historicalrecipient',
            name='kind',
            field=models.CharField(choices=[('processor', 'Processor'), ('carrier', 'Carrier'), ('payment', 'Payment service'), ('accounting', 'Accounting'), ('debt_collection', 'Debt collection'), ('it_service', 'IT service'), ('authority', 'Authority'), ('other', 'Other')], max_length=20, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='recipient',
            name='email',
            field=register.email_address.EmailAddressField(blank=True, help_text='Where GDPR Art. 19 notifications are sent.', max_length=254, verbose_name='notification email'),
        ),
        migrations.AlterField(
            model_name='recipient',
            name='kind',
            field=models.CharField(choices=[('processor', 'Processor'), ('carrier', 'Carrier'), ('payment', 'Payment service'), ('accounting', 'Accounting'), ('debt_collection', 'Debt collection'), ('it_service', 'IT service'), ('authority', 'Authority'), ('other', 'Other')], max_length=20, verbose_name='kind'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
