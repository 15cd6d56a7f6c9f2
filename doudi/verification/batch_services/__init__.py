"""批量核对: screen every household of a region — or the current recipients of one programme —
against the latest department snapshots, and keep the result (docs/verification.md, "Batch
screening").

`batch_run` selects the households and their counted members, keeps only households whose every
counted member has a valid consent (the others are listed as not screened, with the members
concerned), asks the policy engine for the limits of each county and area type, runs the pure
DuckDB screen (`batch.batch_screen`) and writes, in one transaction: the `BatchRun`, one
`BatchResult` per household, one `BatchPersonAccess` per person whose data was read (with the
consent relied on) and one audit event. Nothing is written when the actor may not request
checks or the region is not theirs."""

from doudi.verification.batch_services.results import (
    NO_CONSENT_REASON,
    NO_CONSENT_RULE,
    NO_MEMBERS_REASON,
    NO_MEMBERS_RULE,
    RESULT_FIELDS,
)
from doudi.verification.batch_services.runs import batch_run, batch_run_figures, logger
from doudi.verification.batch_services.scope import MONTH, REGION_NOT_FOUND
from doudi.verification.batch_services.selection import LOOKUP_BATCH, NOT_SIGNED, OUT_OF_SCOPE

__all__ = [
    "LOOKUP_BATCH",
    "MONTH",
    "NOT_SIGNED",
    "NO_CONSENT_REASON",
    "NO_CONSENT_RULE",
    "NO_MEMBERS_REASON",
    "NO_MEMBERS_RULE",
    "OUT_OF_SCOPE",
    "REGION_NOT_FOUND",
    "RESULT_FIELDS",
    "batch_run",
    "batch_run_figures",
    "logger",
]
