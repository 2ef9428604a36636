# Each return keeps the customer of its order, so a customer's latest returns are read from an index of
# their own whatever the number of their orders (the customer's admin page).

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_customers(apps, schema_editor):
    """Each return and each of its historical records gets the customer of its order, in one UPDATE each."""
    Order = apps.get_model("customers", "Order")
    customer_of_order = Subquery(Order.objects.filter(pk=OuterRef("order_id")).values("customer_id")[:1])
    for name in ("Return", "HistoricalReturn"):
        apps.get_model("customers", name).objects.update(customer_id=customer_of_order)


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0008_customer_created_id_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalreturn',
            name='customer',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='customers.customer', verbose_name='customer'),
        ),
        migrations.AddField(
            model_name='return',
            name='customer',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='returns', to='customers.customer', verbose_name='customer'),
        ),
        migrations.RunPython(copy_customers, migrations.RunPython.noop, elidable=False),
    ]
