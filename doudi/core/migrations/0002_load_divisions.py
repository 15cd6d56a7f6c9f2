"""Load the vendored NBS division table (provinces, cities, counties nationwide; Fujian townships)."""

from django.db import migrations


def load(apps, schema_editor):
    from doudi.core.division_sync import division_table_load

    division_table_load(apps.get_model("core", "Division"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
