from doudi.exchange.tests.helpers import verification_officer_user  # noqa: F401
from doudi.verification.tests.helpers import (  # noqa: F401
    data_dir,
    lin_household,
    verification_officer,
)
