"""Writes to the registry. Every service checks permission and region, keeps history with who and
why, and records an audit event in the same transaction."""

from __future__ import annotations

from doudi.registry.services.bank_accounts import bank_account_add
from doudi.registry.services.households import (
    MemberSpec,
    household_member_add,
    household_member_remove,
    household_register,
)
from doudi.registry.services.persons import (
    PERSON_EDITABLE_FIELDS,
    PersonFacts,
    person_create,
    person_id_number_reveal,
    person_update,
)

__all__ = [
    "PERSON_EDITABLE_FIELDS",
    "MemberSpec",
    "PersonFacts",
    "bank_account_add",
    "household_member_add",
    "household_member_remove",
    "household_register",
    "person_create",
    "person_id_number_reveal",
    "person_update",
]
