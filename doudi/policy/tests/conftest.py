"""Keep Hypothesis' example database and caches out of the repository (under the temp dir)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "doudi-policy-hypothesis")
)
