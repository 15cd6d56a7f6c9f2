"""EntitlementChange points to benefits.Entitlement (state only: the same table)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('benefits', '0001_initial'),
        ('reviews', '0001_review_cases_changes_and_reports'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='entitlementchange',
                    name='new_entitlement',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='benefits.entitlement', verbose_name='新待遇'),
                ),
                migrations.AlterField(
                    model_name='entitlementchange',
                    name='old_entitlement',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='benefits.entitlement', verbose_name='原待遇'),
                ),
            ],
            database_operations=[],
        ),
    ]
