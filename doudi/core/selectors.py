"""Reads every context shares: division names, and the public ids of the objects that deadlines\nand audit events name by primary key."""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps

from doudi.core.models import Division


def division_names(codes: Iterable[str]) -> dict[str, str]:
    """Division code → its name, for the codes that exist (a list shows the code of any other)."""
    return dict(Division.objects.filter(code__in=set(codes)).values_list("code", "name"))


def division_label(code: str) -> str:
    """「name（code）」 for a known division, else the code alone."""
    name = division_names([code]).get(code)
    return f"{name}（{code}）" if name else code


def public_ids(model_label: str, pks: Iterable[int]) -> dict[int, str]:
    """Primary key → public id of the rows of ``model_label`` (``"app_label.Model"``) that exist,
    for linking a generic record (a deadline names its object by type and pk) to its page."""
    model = apps.get_model(model_label)
    return {
        pk: str(public_id)
        for pk, public_id in model.objects.filter(pk__in=set(pks)).values_list("pk", "public_id")
    }
