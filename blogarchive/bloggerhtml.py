"""Blogger's HTML to this archive's text and back; no Django.

A post is kept as plain paragraphs (shown escaped, addresses made links), so a post's HTML
becomes one paragraph per block or line, a link "text (address)". A comment is kept as typed:
text with the few tags Blogger let commenters use (forum.markup renders it), so a comment's HTML
keeps <b> <i> <em> <strong> <a href>, its line breaks become newlines, and the rest is text.
"""

import html
import re
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "tr", "pre"}
_INLINE_KEPT = {"b", "i", "em", "strong"}
_SKIPPED = {"script", "style", "noscript", "template"}
_LINKABLE = ("http://", "https://", "mailto:")
_SPACES = re.compile(r"\s+")
_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")
_TAG = re.compile(r"<[^>]*>")


class _Walker(HTMLParser):
    """Collects text and block breaks; subclasses decide what a tag becomes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0
        self.link: tuple[str, int] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
        elif not self.skipping:
            self.start(tag, dict(attrs))

    def handle_startendtag(self, tag, attrs):
        if not self.skipping and tag not in _SKIPPED:
            self.start(tag, dict(attrs))
            self.end(tag)

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif not self.skipping:
            self.end(tag)

    def handle_data(self, data):
        if not self.skipping:
            self.text(data)

    def start(self, tag, attrs): ...

    def end(self, tag): ...

    def text(self, data):
        self.out.append(data)


class _Paragraphs(_Walker):
    def start(self, tag, attrs):
        if tag in _BLOCKS:
            self.out.append("\n")
        elif tag == "a" and (attrs.get("href") or "").startswith(_LINKABLE):
            self.link = (attrs["href"], len(self.out))

    def end(self, tag):
        if tag in _BLOCKS:
            self.out.append("\n")
        elif tag == "a" and self.link:
            href, start = self.link
            self.link = None
            shown = _SPACES.sub(" ", "".join(self.out[start:])).strip()
            if shown != href and shown.removeprefix("mailto:") != href.removeprefix("mailto:"):
                self.out.append(f" ({href})" if shown else href)


def paragraphs(source: str) -> list[str]:
    """A post's HTML as its paragraphs of plain text, links kept as "text (address)"."""
    walker = _Paragraphs()
    walker.feed(source)
    walker.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(walker.out).split("\n"))
    return [line for line in lines if line]


class _Comment(_Walker):
    def start(self, tag, attrs):
        if tag == "br":
            self.out.append("\n")
        elif tag in _BLOCKS:
            self.out.append("\n\n")
        elif tag in _INLINE_KEPT:
            self.out.append(f"<{tag}>")
        elif tag == "a" and (attrs.get("href") or "").startswith(_LINKABLE):
            self.link = (attrs["href"], len(self.out))
            self.out.append(f'<a href="{html.escape(attrs["href"])}">')

    def end(self, tag):
        if tag in _BLOCKS and tag != "br":
            self.out.append("\n\n")
        elif tag in _INLINE_KEPT:
            self.out.append(f"</{tag}>")
        elif tag == "a" and self.link:
            self.link = None
            self.out.append("</a>")

    def text(self, data):
        self.out.append(html.escape(data, quote=False))


def comment_body(source: str) -> str:
    """A comment's HTML as the text its author typed, with the tags Blogger allowed."""
    walker = _Comment()
    walker.feed(source)
    walker.close()
    text = "".join(walker.out).replace("\r\n", "\n")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.split("\n"))).strip()


def body_html(body: str) -> str:
    """A comment as typed, as Blogger stores it: line breaks as <br />."""
    return body.strip().replace("\r\n", "\n").replace("\n", "<br />")


def paragraphs_html(paragraphs_: list[str]) -> str:
    """A post's paragraphs as HTML: escaped, each a <p>, web addresses made links."""
    return "".join(f"<p>{_linked(p)}</p>" for p in paragraphs_)


def _linked(text: str) -> str:
    parts, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0)
        parts += [html.escape(text[last : match.start()]), f'<a href="{html.escape(url)}">']
        parts += [html.escape(url), "</a>"]
        last = match.end()
    return "".join(parts) + html.escape(text[last:])


def fingerprint(text: str) -> str:
    """What two copies of a comment share however they were captured: its words, case-folded."""
    return _SPACES.sub(" ", html.unescape(_TAG.sub(" ", text))).strip().casefold()
