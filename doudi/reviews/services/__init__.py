"""The review services (动态管理): each step one transaction, region-scoped, with a ReviewEvent and
an audit event; of two people acting on one case at once only the first succeeds."""

from doudi.reviews.services._common import CONFLICT_MESSAGE
from doudi.reviews.services.cases import (
    change_report_record,
    review_propose,
    review_record_objection,
    review_record_situation,
    review_start,
    reviews_schedule,
)
from doudi.reviews.services.decisions import review_decide, review_return

__all__ = [
    "CONFLICT_MESSAGE",
    "change_report_record",
    "review_decide",
    "review_propose",
    "review_record_objection",
    "review_record_situation",
    "review_return",
    "review_start",
    "reviews_schedule",
]
