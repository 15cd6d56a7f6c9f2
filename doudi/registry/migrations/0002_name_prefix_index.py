"""On PostgreSQL, a pattern-ops index so that name prefix search (LIKE '张%') uses an index under
any database collation. SQLite's LIKE prefix optimisation needs no extra index."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS registry_person_name_prefix ON registry_person (name varchar_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_person_name_prefix")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
