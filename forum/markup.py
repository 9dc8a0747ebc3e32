"""Turn a comment as typed into safe HTML: the one module that knows about bleach.

Blogger let commenters use <b>, <i> and <a href>; we allow the same (plus their modern
spellings) and nothing else. Bare URLs become links in the same pass, and every link is marked
rel="nofollow ugc" so that spam gains nothing from being posted here. Paragraphs (blank lines)
and line breaks are kept. Text fields are cleaned here too, on the way in: what_readers_see()
reads the HTML back as a reader would, for the screening rules.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import bleach
from bleach import linkifier
from bleach.linkifier import LinkifyFilter

ALLOWED_TAGS = frozenset({"a", "b", "i", "em", "strong"})
ALLOWED_ATTRIBUTES = {"a": ["href", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Deeper than this, an allowed tag is shown as the text it was: html5lib's work grows with the
# square of the open formatting tags (a 198 KB page of them took 22 s); no one nests 20 deep.
MAX_NESTING = 20

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Text with none of these has nothing for bleach to escape, strip or turn into a link: every
# address linkify finds has a dot before one of its top-level domains ("e.g." has none).
# Quotes, "=" and "@" alone change nothing (outside a tag bleach leaves them as typed), and a
# third of comments have an apostrophe.
_NEEDS_CLEANING = re.compile(
    r"[<>&]|\.(?:" + "|".join(sorted(linkifier.TLDS, reverse=True)) + ")", re.IGNORECASE
)
# Characters XML 1.0 cannot carry, so no feed may hold them: controls but tab, newline and
# carriage return; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Dropped from every text on the way in: what XML cannot carry, every other control character
# (C0 but tab and newline, DEL, C1), and the bidi embeddings, overrides and isolates, which
# make text show in another order than it is stored and screened in.
_DROPPED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
# Unicode's default-ignorable code points: a browser draws nothing for them (soft hyphen,
# zero-width space and joiners, word joiner, variation selectors, Hangul fillers, tags...).
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]"
)
_ALLOWED_TAG = re.compile(r"<(/?)(" + "|".join(ALLOWED_TAGS) + r")(?=[\s/>])", re.IGNORECASE)


def _mark_user_generated(attrs, new=False):
    """Make every link nofollow ugc; bleach's own callback only adds nofollow."""
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    attrs[(None, "rel")] = "nofollow ugc"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    # Markup outside the allow-list is shown as the text it was, not silently dropped.
    strip=False,
    filters=[
        lambda source: LinkifyFilter(
            source, callbacks=[_mark_user_generated], skip_tags={"pre"}, parse_email=False
        )
    ],
)


def normalise(text: str) -> str:
    """Normalise line endings and drop control characters and what XML cannot carry."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _DROPPED.sub("", text).strip()


def one_line(text: str) -> str:
    """A name as it is stored: on one line, its runs of spaces made one, without controls."""
    # Split first, so that a line break that is also a control (VT, NEL) still parts words.
    return " ".join(normalise(" ".join(text.split())).split())


def xml_safe(text: str) -> str:
    """The text without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)


def is_blank(text: str) -> bool:
    """Whether a reader would see nothing: only spaces and characters drawn as nothing."""
    return not INVISIBLE.sub("", normalise(text)).strip()


def render(text: str) -> str:
    """Return the safe HTML for a comment body: paragraphs, line breaks, and allowed markup."""
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(normalise(text)) if p.strip()]
    html = []
    for paragraph in paragraphs:
        # Most comments are plain prose: skipping the parser for them makes imports and
        # posting several times faster, and the result is the same (tested).
        if _NEEDS_CLEANING.search(paragraph):
            paragraph = _cleaner.clean(_bound_nesting(paragraph))
        html.append("<p>" + paragraph.replace("\n", "<br>") + "</p>")
    return "".join(html)


def _bound_nesting(text: str) -> str:
    """Escape each allowed tag opened while MAX_NESTING are open, so that it shows as text."""
    # Counted generously: an end tag closes only the tag opened last, if it has its name, so
    # misnested tags (which html5lib reopens) count as still open.
    open_tags: list[str] = []
    escaped: list[int] = []
    for match in _ALLOWED_TAG.finditer(text):
        closing, name = match.group(1), match.group(2).lower()
        if closing:
            if open_tags and open_tags[-1] == name:
                open_tags.pop()
        elif len(open_tags) < MAX_NESTING:
            open_tags.append(name)
        else:
            escaped.append(match.start())
    if not escaped:
        return text
    pieces, last = [], 0
    for start in escaped:
        pieces += [text[last:start], "&lt;"]
        last = start + 1
    return "".join(pieces) + text[last:]


@dataclass(frozen=True)
class Seen:
    """A comment as a reader gets it: its text, and the address of each link in it."""

    text: str
    links: tuple[str, ...]


def what_readers_see(html: str) -> Seen:
    """Read HTML made by render() back into its text (entities decoded, tags gone) and links."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return Seen("".join(reader.parts), tuple(reader.links))


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        # Paragraphs and line breaks separate words as they do on the page.
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")
        elif tag == "a" and (href := dict(attrs).get("href")) is not None:
            self.links.append(href)

    def handle_data(self, data):
        self.parts.append(data)
