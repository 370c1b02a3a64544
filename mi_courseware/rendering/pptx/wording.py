"""Fixed wording on slides: the theme's ``slides.*`` keys (``i18n/<lang>.slides.yaml``)."""

from __future__ import annotations

from pathlib import Path

from mi_courseware.loading.i18n import Translator


class Wording(Translator):
    """The slides' fixed wording in one language, from the theme's ``<lang>.slides.yaml``."""

    def __init__(self, chain: list[Path], language: str) -> None:
        super().__init__(chain, language)
        #: The language's BCP 47 tag, for PowerPoint's proofing language.
        self.tag = self.facts.tag
