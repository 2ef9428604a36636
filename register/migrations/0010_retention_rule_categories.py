"""One retention rule may cover several data categories; a period may be zero from an event that ends
something ("as long as the customer relationship lasts").

Each rule's single category moves into its categories; going back keeps the first one.
"""

from django.db import migrations, models


def categories_from_category(apps, schema_editor):
    RetentionRule = apps.get_model("register", "RetentionRule")
    for rule in RetentionRule.objects.exclude(category=None).only("id", "category_id"):
        rule.categories.add(rule.category_id)


def category_from_categories(apps, schema_editor):
    RetentionRule = apps.get_model("register", "RetentionRule")
    for rule in RetentionRule.objects.all():
        first = rule.categories.order_by("position", "id").first()
        if first is not None:
            rule.category_id = first.pk
            rule.save(update_fields=["category"])


class Migration(migrations.Migration):

    dependencies = [
        ('register', '0009_notice_facts'),
    ]

    operations = [
        # The single category gives up its reverse name to the new many-to-many field.
        migrations.AlterField(
            model_name='retentionrule',
            name='category',
            field=models.ForeignKey(blank=True, null=True, on_delete=models.deletion.CASCADE, related_name='+', to='register.datacategory', verbose_name='data category'),
        ),
        migrations.AddField(
            model_name='retentionrule',
            name='categories',
            field=models.ManyToManyField(blank=True, help_text='The data categories this rule covers; one rule may cover several.', related_name='retention_rules', to='register.datacategory', verbose_name='data categories'),
        ),
        migrations.RunPython(categories_from_category, category_from_categories),
        migrations.RemoveField(
            model_name='retentionrule',
            name='category',
        ),
        migrations.RemoveField(
            model_name='historicalretentionrule',
            name='category',
        ),
        migrations.RemoveConstraint(
            model_name='retentionrule',
            name='retention_period_positive',
        ),
        migrations.AlterField(
            model_name='historicalretentionrule',
            name='period_amount',
            field=models.PositiveIntegerField(help_text='0 means until the event, e.g. 0 from the end of the customer relationship: as long as the customer relationship lasts.', verbose_name='period'),
        ),
        migrations.AlterField(
            model_name='retentionrule',
            name='period_amount',
            field=models.PositiveIntegerField(help_text='0 means until the event, e.g. 0 from the end of the customer relationship: as long as the customer relationship lasts.', verbose_name='period'),
        ),
        migrations.AddConstraint(
            model_name='retentionrule',
            constraint=models.CheckConstraint(condition=models.Q(('period_amount__gte', 1), ('counts_from__in', ('end_of_relationship', 'end_of_financial_year', 'end_of_calendar_year', 'request_completed')), _connector='OR'), name='retention_period_positive_or_until_event'),
        ),
    ]
