"""Fixed wording on slides: the theme's ``slides.*`` keys (``i18n/<lang>.slides.yaml``)."""

from __future__ import annotations

from pathlib import Path

from mi_courseware.rendering.i18n import Translator

#: BCP 47 tags for PowerPoint's proofing language.
LANG_TAGS = {"en": "en-GB", "cy": "cy-GB"}


class Wording(Translator):
    """The slides' fixed wording in one language, from the theme's ``<lang>.slides.yaml``."""

    def __init__(self, chain: list[Path], language: str) -> None:
        super().__init__(chain, language)
        self.tag = LANG_TAGS[self.language]
