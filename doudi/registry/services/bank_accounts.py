"""Bank accounts that benefits are paid into."""

from __future__ import annotations

from django.db import transaction

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.registry.error_codes import RegistryErrorCode as Code
from doudi.registry.models import (
    BankAccount,
    Person,
)
from doudi.registry.services._common import _error, _require_reason, _require_visible, _with_history


def _luhn_valid(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def account_number_mask(number: str) -> str:
    """First 4 and last 4 digits, the rest as asterisks: what staff see of an account number."""
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"


@transaction.atomic
def bank_account_add(
    *, actor: Actor, person: Person, bank_name: str, account_number: str, reason: str
) -> BankAccount:
    """Register the account benefits are paid into; it replaces the previous primary account."""
    from doudi.core.id_protection import field_encrypt

    actor.require(Permission.REGISTRY_EDIT)
    reason = _require_reason(reason)
    _require_visible(actor, person)
    number = account_number.replace(" ", "")
    if not bank_name.strip():
        raise _error("开户行不能为空", field="bank_name", code=Code.INVALID_VALUE)
    if not number.isdigit() or not 12 <= len(number) <= 19:
        raise _error(
            "银行账号须为 12 至 19 位数字", field="account_number", code=Code.INVALID_VALUE
        )
    if len(number) >= 16 and not _luhn_valid(number):
        raise _error("银行卡号校验位错误，请核对", field="account_number", code=Code.INVALID_VALUE)
    for previous in BankAccount.objects.select_for_update().filter(
        person=person, is_active=True, is_primary=True
    ):
        previous.is_primary = False
        _with_history(previous, actor=actor, reason=reason).save(
            update_fields=["is_primary", "updated_at"]
        )
    account = BankAccount(
        person=person,
        bank_name=bank_name.strip(),
        account_number_encrypted=field_encrypt(number),
        account_number_masked=account_number_mask(number),
    )
    _with_history(account, actor=actor, reason=reason).save()
    audit_event_record(
        actor=actor.user,
        action="bank_account.added",
        obj=account,
        region_code=person.residence_region_id,
        parameters={
            "reason": reason,
            "person": str(person.public_id),
            "masked": account.account_number_masked,
        },
    )
    return account
