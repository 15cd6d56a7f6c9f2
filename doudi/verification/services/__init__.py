"""Writes of verification: consents, reports (numbered, immutable), signatures, re-checks.

Every report is written in one transaction with its items, one `PersonDataAccess` row per
person and source read (with the consent relied on) and its audit event (docs/verification.md)."""

from doudi.verification.services._common import (
    HOUSEHOLD_NOT_FOUND,
    NO_COUNTED_MEMBERS,
    PURPOSE,
    consent_valid_days,
    income_months,
    read_threads,
    sign_working_days,
    tolerance,
)
from doudi.verification.services.consents import (
    MISSING_CONSENTS,
    consent_record,
    consent_withdraw,
    consents_from_application,
    verification_blockers,
)
from doudi.verification.services.reports import report_recheck, verification_request
from doudi.verification.services.signatures import report_sign

__all__ = [
    "HOUSEHOLD_NOT_FOUND",
    "MISSING_CONSENTS",
    "NO_COUNTED_MEMBERS",
    "PURPOSE",
    "consent_record",
    "consent_valid_days",
    "consent_withdraw",
    "consents_from_application",
    "income_months",
    "read_threads",
    "report_recheck",
    "report_sign",
    "sign_working_days",
    "tolerance",
    "verification_blockers",
    "verification_request",
]
