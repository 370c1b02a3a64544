"""BCP 47 language tags as catalogues and clients write them (``cy``, ``cy-GB``).

A leaf module: the models (which validate tags) and the language registry (which reads them
without importing the models) both need the one pattern.
"""

from __future__ import annotations

import re

TAG_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$"
"""A BCP 47 language tag: a two- or three-letter language, then up to four subtags."""


def is_tag(text: object) -> bool:
    """Whether ``text`` is a language tag of that shape."""
    return isinstance(text, str) and re.fullmatch(TAG_PATTERN, text) is not None
