# The customer copied in 0009 is required from here on, and indexed with the time of the return (a migration
# of its own: PostgreSQL alters no table with the foreign-key checks of the copy still pending).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0009_return_customer'),
    ]

    operations = [
        migrations.AlterField(
            model_name='return',
            name='customer',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='returns', to='customers.customer', verbose_name='customer'),
        ),
        migrations.AddIndex(
            model_name='return',
            index=models.Index(fields=['customer', '-returned_at', '-id'], name='return_customer_returned_idx'),
        ),
    ]
