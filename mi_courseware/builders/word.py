"""The Word editions: the pack, the guide and each handout as a DOCX a client can change.

Made from the same Edition and the same Markdown as the PDFs, by
:mod:`mi_courseware.rendering.docx`. ``build`` makes them when the course or event lists
``formats: [pdf, docx]``; ``--only pack-docx`` (``facilitator-docx``, ``handouts-docx``)
makes them whatever it lists.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from mi_courseware.builders.base import BuildContext, Builder

if TYPE_CHECKING:
    from mi_courseware.core.edition import Edition

#: The theme's folders that shape a Word edition: its wording, and the fonts it names (and
#: draws the diagrams' words with).
WORD_PARTS = ("i18n", "fonts")
#: What shapes it from the edition: what the PDFs read, and the client's Word template.
WORD_USES = ("course", "text", "images", "brand", "word")


class WordEdition(Builder["Edition"]):
    """What every Word edition shares: its inputs, the theme's parts, the ``docx`` format of
    ``formats:``, and that it is teaching material (kept as it is once the event is over).
    Not registered itself: its subclasses are the outputs."""

    uses = WORD_USES
    theme_parts = WORD_PARTS
    edition_format = "docx"
    kept_after_event = True  # teaching material: a record of what was taught
    preload = ("docx", "mi_courseware.rendering.docx.pack")
    aside = True


class WordPackBuilder(WordEdition):
    """``participant-pack.docx``: the participant pack, editable in Word."""

    name = "pack-docx"
    description = "participant-pack.docx"
    outputs = ("participant-pack.docx",)
    #: Whether trainer notes, answers, timings and materials are included.
    facilitator: ClassVar[bool] = False

    def build(self, target: Edition, out: Path) -> list[Path]:
        """Write the document into ``out``."""
        from mi_courseware.rendering.docx.pack import write_pack

        path = out / self.outputs[0]
        write_pack(target, path, facilitator=self.facilitator, when=self.context.time)
        return [path]


class WordGuideBuilder(WordPackBuilder):
    """``facilitator-guide.docx``: the facilitator guide, editable in Word."""

    name = "facilitator-docx"
    description = "facilitator-guide.docx"
    outputs = ("facilitator-guide.docx",)
    facilitator = True


class WordHandoutsBuilder(WordEdition):
    """``handouts/<handout>.docx``: each handout and worksheet of the edition on its own, for
    a client to reword or trim."""

    name = "handouts-docx"
    description = "handouts/<handout>.docx"
    outputs = ("handouts/<handout>.docx",)

    @classmethod
    def applies(cls, target: Edition, context: BuildContext) -> bool:
        """Only an edition with handouts has them."""
        return bool(target.handouts)

    @classmethod
    def not_applicable(cls, target: Edition) -> str:
        """Its sessions name no handout."""
        return f"'{target.course_id}' has no handouts or worksheets in this edition"

    def build(self, target: Edition, out: Path) -> list[Path]:
        """Write one document per handout into ``out/handouts/``."""
        from mi_courseware.rendering.docx.pack import write_handouts

        folder = out / "handouts"
        folder.mkdir(exist_ok=True)
        return write_handouts(target, folder, when=self.context.time)
