"""The one catalogue of assistance programmes (pure: no Django).

Every context reads what a programme is from here: its key (GLOSSARY.md) and Chinese label, how
it pays, whether its decision rests on a household's income and assets, where it may be filed,
whether its recipients are published in the public notice, and which programmes it excludes.
The rules of each programme are the policy engine's (``doudi.policy``); this says what they are
about."""

from doudi.programmes.catalogue import (
    AT_EMERGENCY_PLACE,
    CATALOGUE,
    CHOICES,
    CROSS_REGION,
    KEYS,
    MEANS_TESTED,
    MONTHLY,
    ONE_OFF,
    PUBLISHED_IN_NOTICE,
    Exclusion,
    Filing,
    Payment,
    Programme,
    ProgrammeSpec,
    label,
    spec,
)

__all__ = [
    "AT_EMERGENCY_PLACE",
    "CATALOGUE",
    "CHOICES",
    "CROSS_REGION",
    "KEYS",
    "MEANS_TESTED",
    "MONTHLY",
    "ONE_OFF",
    "PUBLISHED_IN_NOTICE",
    "Exclusion",
    "Filing",
    "Payment",
    "Programme",
    "ProgrammeSpec",
    "label",
    "spec",
]
