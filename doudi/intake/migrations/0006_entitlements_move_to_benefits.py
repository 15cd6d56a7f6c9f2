"""Entitlement and OneOffGrant now belong to benefits (state only: the tables are kept)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0005_situation_assessment'),
        ('reviews', '0002_entitlement_changes_point_to_benefits'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='oneoffgrant',
                    name='application',
                ),
                migrations.RemoveField(
                    model_name='oneoffgrant',
                    name='approved_by',
                ),
                migrations.RemoveField(
                    model_name='oneoffgrant',
                    name='household',
                ),
                migrations.DeleteModel(
                    name='Entitlement',
                ),
                migrations.DeleteModel(
                    name='OneOffGrant',
                ),
            ],
            database_operations=[],
        ),
    ]
