"""The applications API (申请与审核): the case, its steps and its materials."""

from ninja import Router

from doudi.api.intake import applications, materials

router = Router()
router.add_router("", applications.router)
router.add_router("", materials.router)
