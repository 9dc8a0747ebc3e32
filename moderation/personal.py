"""Find personal information in a comment: what would identify a colleague, a case or an office.

Pure functions over text (no database): e-mail addresses, UK phone numbers, National Insurance
numbers, probation case references (a letter and six digits), UK postcodes, and names from a
list the moderators keep. Each pattern is written against ordinary probation talk, which is
full of years, times ("08.47"), money and "section 8".
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

EMAIL = "email"
PHONE = "phone"
NI_NUMBER = "ni_number"
CASE_REFERENCE = "case_reference"
POSTCODE = "postcode"
NAME = "name"

KINDS = {
    EMAIL: _("e-mail address"),
    PHONE: _("phone number"),
    NI_NUMBER: _("National Insurance number"),
    CASE_REFERENCE: _("case reference"),
    POSTCODE: _("postcode"),
    NAME: _("name on the watch list"),
}

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])", re.I)
# +44 7700 900123, +44 (0)20 7946 0958, 0044…, 07700 900123, (0161) 496 0000, 020-7946-0958:
# a leading 0 (or the country code) and nine or ten more digits; UK numbers never start 00, 04
# or 06 after the 0. Digits may be split by one space, hyphen or a closing bracket, never a dot,
# so that times and money never look like numbers.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|0044\s?|\(?0)[1-35789](?:(?:\)\s?|[ -])?\d){8,9}(?!\d)"
)
# Two prefix letters (first never D F I Q U V, second never D F I O Q U V), six digits often
# written in pairs, then A-D. Prefixes BG GB KN NK NT TN ZZ are never issued.
_NI = re.compile(
    r"\b([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])\s?(\d{2})\s?(\d{2})\s?(\d{2})(?:\s?([A-D]))?\b",
    re.I,
)
_NI_NEVER_ISSUED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
_CASE_REFERENCE = re.compile(r"\b[A-Z]\d{6}\b", re.I)
# The outward code in its six shapes (M1, B33, CR2, DN55, and London's W1A and EC1A), a space
# (optional only in capitals), then the inward code: a digit and two letters, never C I K M O V.
_POSTCODE = re.compile(
    r"\b(?:[A-PR-UWYZ](?:\d[A-HJKPSTUW]|\d{1,2}|[A-HK-Y]\d{1,2}|[A-HK-Y]\d[ABEHMNPRVWXY]))"
    r"(?P<space>\s?)\d[ABD-HJLNP-UW-Z]{2}\b",
    re.I,
)


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: int
    end: int

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])


def find_personal_information(text: str, names: Iterable[str] = ()) -> list[Finding]:
    """The personal information in the text, in the order it appears, never overlapping."""
    found = [
        *_matches(EMAIL, _EMAIL, text),
        *_matches(PHONE, _PHONE, text),
        *(Finding(NI_NUMBER, m[0], *m.span()) for m in _NI.finditer(text) if _is_ni(m)),
        *_matches(CASE_REFERENCE, _CASE_REFERENCE, text),
        *(Finding(POSTCODE, m[0], *m.span()) for m in _POSTCODE.finditer(text) if _is_postcode(m)),
        *_names(text, names),
    ]
    return _without_overlaps(found)


def kinds_found(findings: Iterable[Finding]) -> list[str]:
    """The labels of the kinds found, each once, in the order first found."""
    return list(dict.fromkeys(finding.label for finding in findings))


def _matches(kind: str, pattern: re.Pattern, text: str) -> list[Finding]:
    return [Finding(kind, m[0], *m.span()) for m in pattern.finditer(text)]


def _is_ni(match: re.Match) -> bool:
    prefix = match[1]
    if prefix.upper() in _NI_NEVER_ISSUED:
        return False
    # Without its final letter, only a prefix in capitals is taken for one: "at 12 34 56" is not.
    return bool(match[5]) or prefix.isupper()


def _is_postcode(match: re.Match) -> bool:
    # Run together ("M11AE"), only capitals count: in lower case it is too often a word.
    return bool(match["space"]) or match[0].isupper()


def _names(text: str, names: Iterable[str]) -> list[Finding]:
    found = []
    for name in names:
        words = name.split()
        if not words:
            continue
        # Whole words, any case, any run of spaces between the parts of a name.
        pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)"
        found += [Finding(NAME, m[0], *m.span()) for m in re.finditer(pattern, text, re.I)]
    return found


def _without_overlaps(found: list[Finding]) -> list[Finding]:
    """The earliest (then the longest) of overlapping findings: an e-mail, not the name in it."""
    kept: list[Finding] = []
    for finding in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        if not kept or finding.start >= kept[-1].end:
            kept.append(finding)
    return kept
