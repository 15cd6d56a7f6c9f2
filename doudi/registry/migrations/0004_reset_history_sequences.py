"""Repair databases loaded by the bulk import before it advanced the history tables' sequences
(their key is ``history_id``): on PostgreSQL every registry table's sequence moves past its
largest id, so the next ordinary write takes a free one. Nothing to do on SQLite."""

from django.core.management.color import no_style
from django.db import migrations


def reset_sequences(apps, schema_editor):  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    names = (
        "Household",
        "Person",
        "Membership",
        "BankAccount",
        "HistoricalHousehold",
        "HistoricalPerson",
        "HistoricalMembership",
        "HistoricalBankAccount",
    )
    models = [apps.get_model("registry", name) for name in names]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_household_region_indexes")]

    operations = [migrations.RunPython(reset_sequences, migrations.RunPython.noop)]
