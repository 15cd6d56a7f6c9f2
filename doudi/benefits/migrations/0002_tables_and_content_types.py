"""The moved tables take benefits' names; their content types (admin log, permissions) move with
them, so nothing that pointed at an entitlement or a grant loses it."""

from django.db import migrations

MODELS = ("entitlement", "oneoffgrant")


def content_types_to_benefits(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not content_type.objects.filter(app_label="benefits", model=model).exists():
            content_type.objects.filter(app_label="intake", model=model).update(
                app_label="benefits"
            )


def content_types_to_intake(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not content_type.objects.filter(app_label="intake", model=model).exists():
            content_type.objects.filter(app_label="benefits", model=model).update(
                app_label="intake"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0001_initial"),
        ("intake", "0006_entitlements_move_to_benefits"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="entitlement", table=None),
        migrations.AlterModelTable(name="oneoffgrant", table=None),
        migrations.RunPython(content_types_to_benefits, content_types_to_intake),
    ]
