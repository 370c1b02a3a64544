"""The one clock of a run: ``SOURCE_DATE_EPOCH`` when it is set, so builds are reproducible."""

from __future__ import annotations

import os
from datetime import UTC, datetime


def build_time() -> datetime:
    """The build's timestamp: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC).replace(microsecond=0)
