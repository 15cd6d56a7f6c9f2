"""What the verification services share: the purpose of every read, the messages, the settings
read at call time, and a household's counted members."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from doudi.registry.models import Household, Person
from doudi.registry.selectors import counted_members

PURPOSE = "社会救助家庭经济状况核对"
HOUSEHOLD_NOT_FOUND = "家庭不存在或不在您的管辖范围内"
NO_COUNTED_MEMBERS = "该家庭没有共同生活家庭成员，无法核对"


def consent_valid_days() -> int:
    """How long a signed 授权书 stays valid (demo default 180 days; setting
    VERIFICATION_CONSENT_VALID_DAYS)."""
    return int(getattr(settings, "VERIFICATION_CONSENT_VALID_DAYS", 180))


def sign_working_days() -> int:
    """Working days the verification centre has to sign a report (setting
    VERIFICATION_SIGN_WORKING_DAYS, demo default 3: POLICY.md §7 found no Fujian limit; other
    provinces promise results in 1–7 working days)."""
    return int(getattr(settings, "VERIFICATION_SIGN_WORKING_DAYS", 3))


def income_months() -> int:
    """Reference months for income (POLICY.md §2.4, Fujian "至少最近6个月"; setting
    VERIFICATION_INCOME_MONTHS)."""
    return int(getattr(settings, "VERIFICATION_INCOME_MONTHS", 6))


def tolerance() -> Decimal:
    """Found amounts up to this share above the declared ones are not flagged (demo 10 %;
    setting VERIFICATION_TOLERANCE)."""
    return Decimal(str(getattr(settings, "VERIFICATION_TOLERANCE", "0.10")))


def read_threads() -> int:
    """Threads reading a household's sources at once (setting VERIFICATION_READ_THREADS,
    default 4; 1 reads them one after another)."""
    return max(1, int(getattr(settings, "VERIFICATION_READ_THREADS", 4)))


def _counted_persons(household: Household) -> list[Person]:
    """The household's active counted members (共同生活家庭成员), in membership order."""
    return [membership.person for membership in counted_members(household)]
