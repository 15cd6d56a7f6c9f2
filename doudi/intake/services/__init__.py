"""The application services: each step of POLICY.md §2.7 as one transaction.

Every service checks the permission and the region (a case outside the actor's region does not
exist for them: NotFound), gathers :class:`~doudi.intake.workflow.CaseFacts`, asks the workflow
whether the step is allowed (:func:`~doudi.intake.workflow.attempt`), then writes the change with
a conditional update on ``(status, version)``, a :class:`CaseEvent`, an audit event and the
step's deadlines, all in one transaction. Of two people acting on one case at once only the
first succeeds; the other is told to reload."""

# OBJECT_TYPE: the object type of an application's deadlines and audit events.
from doudi.intake.services._common import CONFLICT_MESSAGE, OBJECT_TYPE
from doudi.intake.services.assessment import application_adopt_verification
from doudi.intake.services.decisions import (
    application_confirm,
    application_county_review,
    application_extend,
    application_refuse,
    application_send_refusal_notice,
    application_withdraw,
    confirmation_setting_set,
)
from doudi.intake.services.declaration import (
    ORPHAN_KINDS,
    ConsentSpec,
    Declaration,
    IncomeSpec,
    MemberFacts,
    TemporarySpec,
    declaration_json,
    declared_situation,
)
from doudi.intake.services.materials import (
    material_attach,
    material_download_record,
    material_upload,
)
from doudi.intake.services.routing import (
    OUT_OF_REGION_MESSAGE,
    STAFF_CHANNELS,
    Routing,
    household_find_for_window,
    household_for_submission,
    is_village_worker,
)
from doudi.intake.services.steps import (
    application_accept,
    application_close_notice,
    application_give_initial_opinion,
    application_publish_notice,
    application_record_community_review,
    application_record_home_visit,
    application_record_objection,
    application_record_supplied,
    application_reinvestigate,
    application_request_more,
    application_start_community_review,
    application_start_verification,
)
from doudi.intake.services.submission import application_file, application_submit

__all__ = [
    "application_adopt_verification",
    "CONFLICT_MESSAGE",
    "OBJECT_TYPE",
    "ConsentSpec",
    "ORPHAN_KINDS",
    "OUT_OF_REGION_MESSAGE",
    "Routing",
    "STAFF_CHANNELS",
    "application_file",
    "declaration_json",
    "household_find_for_window",
    "household_for_submission",
    "is_village_worker",
    "Declaration",
    "IncomeSpec",
    "MemberFacts",
    "TemporarySpec",
    "application_accept",
    "application_close_notice",
    "application_confirm",
    "application_county_review",
    "application_extend",
    "application_give_initial_opinion",
    "application_publish_notice",
    "application_record_community_review",
    "application_record_home_visit",
    "application_record_objection",
    "application_record_supplied",
    "application_refuse",
    "application_reinvestigate",
    "application_request_more",
    "application_send_refusal_notice",
    "application_start_community_review",
    "application_start_verification",
    "application_submit",
    "application_withdraw",
    "confirmation_setting_set",
    "declared_situation",
    "material_attach",
    "material_download_record",
    "material_upload",
]
