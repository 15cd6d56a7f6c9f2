"""Stable codes for registry errors, for API clients; messages stay in Chinese."""

from enum import StrEnum


class RegistryErrorCode(StrEnum):
    INVALID_ID_NUMBER = "invalid_id_number"
    DUPLICATE_ID_NUMBER = "duplicate_id_number"
    UNKNOWN_REGION = "unknown_region"
    REGION_NOT_VILLAGE = "region_not_village"
    OUTSIDE_REGION = "outside_region"
    ALREADY_COUNTED = "already_counted_elsewhere"
    ALREADY_MEMBER = "already_member"
    SECOND_HEAD = "second_head"
    EXCLUSION_REASON = "exclusion_reason"
    REASON_REQUIRED = "reason_required"
    INVALID_VALUE = "invalid_value"
