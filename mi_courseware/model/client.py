"""A client organisation: the brand, contacts and wording of everything it receives."""

# pydantic copies a field's list or dict default for each instance; ruff cannot see that
# ``Model`` is a pydantic model, so its mutable-default rule does not apply here.
# ruff: noqa: RUF012

from __future__ import annotations

from datetime import date

from pydantic import Field, field_validator, model_validator

from mi_courseware.core.addresses import address_problem
from mi_courseware.core.languages import FALLBACK
from mi_courseware.model.base import Colour, Count, Id, Model, Text

DEFAULT_PRIMARY = "#1d4f73"
DEFAULT_SECONDARY = "#3b6e94"
DEFAULT_ACCENT = "#b3541e"


class Colours(Model):
    """Brand colours; text on them is switched to dark or light to stay readable."""

    primary: Colour = DEFAULT_PRIMARY
    """Main brand colour: bands, headings accents, slide backgrounds."""
    secondary: Colour = DEFAULT_SECONDARY
    """Second brand colour."""
    accent: Colour = DEFAULT_ACCENT
    """Highlight colour for call-outs."""


class Contact(Model):
    """How participants reach the client."""

    address: Text | None = None
    """Postal address; one line per line."""
    email: Text | None = None
    """Email address."""
    phone: Text | None = None
    """Telephone number."""
    website: Text | None = None
    """Website address."""


class Signatory(Model):
    """Who signs certificates."""

    name: Text
    """Their name as printed."""
    role: Text = ""
    """Their role, e.g. "Workforce Development Manager"."""
    signature: Text | None = None
    """Image of their signature (PNG or SVG), relative to the client folder."""


class Licence(Model):
    """The client's licence to run courses with its own accredited trainers."""

    courses: list[Id] = Field(min_length=1)
    """Ids of the courses the licence covers."""
    starts: date = Field(alias="from")
    """First day of the licence."""
    ends: date = Field(alias="to")
    """Last day of the licence."""
    max_trainers: Count = 5
    """How many of the client's trainers may hold an accreditation under it at once."""

    @model_validator(mode="after")
    def _ordered(self) -> Licence:
        if self.ends < self.starts:
            raise ValueError(
                f"the licence ends ({self.ends.isoformat()}) before it starts "
                f"({self.starts.isoformat()})"
            )
        return self


class Client(Model):
    """A client organisation (``content/clients/<id>/client.yaml``)."""

    name: Text
    """The organisation's name, printed on every output."""
    logo: Text | None = None
    """Logo file (SVG or PNG), relative to the client folder."""
    logo_alt: Text | None = None
    """Alternative text for the logo; default: "<name> logo"."""
    colours: Colours = Colours()
    """Brand colours."""
    contact: Contact = Contact()
    """Contact details for footers and the back page."""
    signatory: Signatory | None = None
    """Who signs certificates."""
    language: Text = FALLBACK
    """Language of fixed wording on outputs: one the themes have catalogues for (the
    built-in ones: ``en`` English, ``cy`` Welsh; a theme adds one with
    ``i18n/<code>.yaml``)."""
    pages: list[Text] = []
    """Extra Markdown pages for the pack, relative to the client folder."""
    verify_url: Text | None = None
    """Verification address for the certificate QR code, with ``{code}`` where the code goes:
    the address of the site ``register publish`` makes, e.g. ``https://verify.example.org/?code={code}``."""
    certificate_prefix: Text | None = Field(default=None, pattern=r"^[A-Z0-9]{1,8}$")
    """Prefix of certificate numbers; default: initials of the client's id in capitals."""
    sender: Text | None = None
    """The address messages to participants come from (``send``), when it is not the account
    that signs in to the mail server (Microsoft 365 refuses any other unless the account may
    send as it)."""
    licence: Licence | None = None
    """The client's licence, when its own trainers deliver courses: ``{courses, from, to,
    max_trainers}``."""

    @field_validator("sender")
    @classmethod
    def _one_address(cls, value: str | None) -> str | None:
        if value is not None:
            problem = address_problem(value.strip())
            if problem:
                raise ValueError(f"'{value}' {problem}")
            return value.strip()
        return value
