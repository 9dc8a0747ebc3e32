"""Read a page's HTML as a parser does, and list whatever in it could run script.

The browser tests are the last word on what runs; these checks say, without a browser, which
element or attribute let a comment through, so that a failure points at its cause.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.etree import ElementTree

# What forum.markup may produce inside a comment's body: its allow-list, paragraphs and breaks.
BODY_TAGS = {"p", "br", "a", "b", "i", "em", "strong"}
# Elements no page of the forum has any business showing, wherever they are.
FORBIDDEN_TAGS = {
    "applet", "audio", "base", "embed", "frame", "frameset", "iframe", "image", "img",
    "isindex", "keygen", "listing", "marquee", "math", "noscript", "object", "plaintext",
    "source", "style", "svg", "template", "video", "xmp", "details",
}  # fmt: skip
# The admin's own markup, which a forum page never has.
ADMIN_OWN_TAGS = {"svg", "img", "details"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href", "srcdoc"}
SAFE_SCHEMES = {"http", "https", "mailto"}
# What the test vectors run; it may show in an attribute only where it is plain text.
PAYLOAD_MARKERS = ("__xss", "alert(", "alert`")
INERT_ATTRIBUTES = {"value", "title", "alt", "placeholder", "aria-label"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "keygen", "param", "image"}  # fmt: skip
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: "Element | None" = None
    children: list["Element"] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def describe(self) -> str:
        attrs = " ".join(f'{k}="{v}"' for k, v in self.attrs.items())
        return f"<{self.tag} {attrs}>".replace(" >", ">")[:120]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, parent=self.open[-1])
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.open.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        self.open[-1].text.append(data)


def parse(page: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root


def scheme_of(url: str) -> str:
    """The scheme a browser would see in an attribute the parser has already decoded."""
    cleaned = _INVISIBLE.sub("", url).lower()
    match = _SCHEME.match(cleaned)
    return match.group(1) if match else ""


def dangers(page: str, *, admin: bool = False) -> list[str]:
    """Everything in a page that could run script, or that a comment should never become.

    The admin draws its own icons (svg, img) and filters (details) and loads its translations
    from /admin/jsi18n/: on its pages those are the admin's, not a comment's.
    """
    forbidden = FORBIDDEN_TAGS - ADMIN_OWN_TAGS if admin else FORBIDDEN_TAGS
    script_sources = ("/static/", "/admin/jsi18n/") if admin else ("/static/",)
    found = []
    for element in parse(page).walk():
        tag, attrs = element.tag, element.attrs
        script = "".join(element.text).strip()
        if tag == "script" and (not attrs.get("src", "").startswith(script_sources) or script):
            found.append(f"script: {element.describe()} {script[:60]}")
        if tag in forbidden:
            found.append(f"forbidden element: {element.describe()}")
        if tag in {"meta", "link"} and not any(a.tag == "head" for a in element.ancestors()):
            found.append(f"{tag} outside <head>: {element.describe()}")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"event handler: {element.describe()}")
            elif name in URL_ATTRIBUTES:
                if scheme_of(value) not in SAFE_SCHEMES | {""}:
                    found.append(f"{scheme_of(value)}: URL: {element.describe()}")
            elif name not in INERT_ATTRIBUTES and any(m in value for m in PAYLOAD_MARKERS):
                found.append(f"a script payload in an attribute: {element.describe()}")
        if _in_body(element) and tag not in BODY_TAGS:
            found.append(f"element outside the allow-list in a comment: {element.describe()}")
        if _in_body(element) and set(attrs) - {"href", "rel"}:
            found.append(f"attribute outside the allow-list in a comment: {element.describe()}")
    return found


def comment_bodies(page: str) -> list[Element]:
    return [e for e in parse(page).walk() if "comment-body" in e.classes]


def _in_body(element: Element) -> bool:
    return any("comment-body" in a.classes for a in element.ancestors())


def feed_dangers(xml: str) -> list[str]:
    """What could run in the HTML an Atom feed carries for a feed reader to show."""
    found = []
    for node in ElementTree.fromstring(xml).iter():
        if node.get("type") == "html" and node.text:
            found += dangers(node.text)
    return found
