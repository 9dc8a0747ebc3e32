"""Hostile comment text: classic XSS vectors, and combinations of tags, handlers and URLs.

Every vector that would run does one of two things a test can see: it sets `window.__xss`
(or `parent.__xss` from a frame) or it opens a dialog with alert / confirm / prompt.
"""

from itertools import product

RUN = "window.__xss=1"
RUN_FROM_FRAME = "parent.__xss=1"

# Hand-picked: the cheat-sheet classics, parser tricks, and what gets past naive sanitisers.
CLASSICS = [
    f"<script>{RUN}</script>",
    "<script>alert(1)</script>",
    f"<SCRIPT>{RUN}</SCRIPT>",
    f"<script type=module>{RUN}</script>",
    f"<script src=data:text/javascript,{RUN}></script>",
    f'"><script>{RUN}</script>',
    f"'><script>{RUN}</script>",
    f"</textarea><script>{RUN}</script>",
    f"</title><script>{RUN}</script>",
    f"</p></div></article><script>{RUN}</script>",
    f"--><script>{RUN}</script>",
    f"]]><script>{RUN}</script>",
    f"<scr<script>ipt>{RUN}</scr</script>ipt>",
    f"<<script>script>{RUN}<</script>/script>",
    f"<scr\x01ipt>{RUN};</scr\x08ipt>",
    f"<img src=x onerror={RUN}//",
    f"<img src=x onerror={RUN}",
    f'<img src="x" onerror="{RUN}"',
    "<img src=x onerror=&#119;indow.__xss=1>",
    '<img src=x onerror="&#x77;&#x69;ndow.__xss&#x3d;1">',
    "<img src=x onerror=alert`1`>",
    "<img src=x onerror=eval(atob('d2luZG93Ll9feHNzPTE='))>",
    f"<img/src=x/onerror={RUN}>",
    f"<img src=x\nonerror={RUN}>",
    f"<img src=x\tonerror={RUN}>",
    f'<img """><script>{RUN}</script>">',
    f"<img src=`x` onerror=`{RUN}`>",
    f"<svg onload={RUN}>",
    f"<svg/onload={RUN}>",
    f"<svg><script>{RUN}</script></svg>",
    f"<svg><script href=data:,{RUN} />",
    f"<svg><animate onbegin={RUN} attributeName=x dur=1s>",
    f"<svg><set onbegin={RUN} attributeName=x to=1>",
    "<svg><a><animate attributeName=href values=javascript:alert(1) /><text x=20 y=20>X</text></a>",
    f"<svg><foreignObject><img src=x onerror={RUN}></foreignObject></svg>",
    f"<svg><style><img src=x onerror={RUN}></style></svg>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={RUN}>",
    f"<math><mi xlink:href=javascript:{RUN}>X</mi></math>",
    f"<form><math><mtext></form><form><mglyph><style></math><img src onerror={RUN}>",
    f'<noscript><p title="</noscript><img src=x onerror={RUN}>">',
    f"<template><img src=x onerror={RUN}></template>",
    f"<xmp><img src=x onerror={RUN}></xmp>",
    f"<plaintext><img src=x onerror={RUN}>",
    f"<listing><img src=x onerror={RUN}></listing>",
    f"<title><img src=x onerror={RUN}></title>",
    f"<textarea><img src=x onerror={RUN}></textarea>",
    f"<style><img src=x onerror={RUN}></style>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<style>*{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width:expression(alert(1))">x</div>',
    f'<iframe srcdoc="<script>{RUN_FROM_FRAME}</script>"></iframe>',
    f'<iframe srcdoc="&lt;script&gt;{RUN_FROM_FRAME}&lt;/script&gt;"></iframe>',
    f"<iframe src=javascript:{RUN_FROM_FRAME}></iframe>",
    f"<iframe onload={RUN}></iframe>",
    f"<object data=javascript:{RUN_FROM_FRAME}></object>",
    "<object data=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==></object>",
    f"<embed src=javascript:{RUN_FROM_FRAME}>",
    "<embed src=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>",
    f"<body onload={RUN}>",
    f"<body onpageshow={RUN}>",
    f"<input autofocus onfocus={RUN}>",
    f"<select autofocus onfocus={RUN}></select>",
    f"<textarea autofocus onfocus={RUN}></textarea>",
    f"<keygen autofocus onfocus={RUN}>",
    f"<details open ontoggle={RUN}>",
    f"<marquee onstart={RUN}>x</marquee>",
    f"<video><source onerror={RUN}></video>",
    f"<audio src=x onerror={RUN}></audio>",
    f"<video poster=javascript:{RUN}></video>",
    f"<isindex action=javascript:{RUN} type=image>",
    f"<form action=javascript:{RUN}><button>Go</button></form>",
    f"<button form=comment-form formaction=javascript:{RUN}>Go</button>",
    f"<input type=image src=x onerror={RUN}>",
    "<base href=//evil.example/>",
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=data:text/html,<script>alert(1)</script>">',
    '<meta http-equiv="Content-Security-Policy" content="script-src *">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    '<link rel=import href="data:text/html,<script>alert(1)</script>">',
    # Inside the tags the site allows: attributes that must not survive.
    f'<a href="https://example.org/" onclick="{RUN}">allowed tag, bad handler</a>',
    f'<a href="https://example.org/" onmouseover={RUN} style="position:fixed;inset:0">x</a>',
    f"<b onmouseover={RUN}>bold</b>",
    f'<i style="x:expression({RUN})">italic</i>',
    f'<strong onclick="{RUN}">strong</strong>',
    '<em id="comment-form" name="thread">clobbering the form the page script clones</em>',
    '<a id="reply-form" name="c1">clobbering</a>',
    '<a href="https://example.org/" target="_blank" rel="opener">tabnabbing</a>',
    f"<b><i><a href=javascript:{RUN}>nested allowed tags</a></i></b>",
    f"<a href=\"http://example.org/'onmouseover='{RUN}\">quote inside href</a>",
    # Broken and nested markup.
    f'<a href="<script>{RUN}</script>">x</a>',
    f'<a title="><img src=x onerror={RUN}>">x</a>',
    f'<!--<img src="--><img src=x onerror={RUN}//">',
    f"<![CDATA[><img src=x onerror={RUN}>]]>",
    f"<?xml ?><img src=x onerror={RUN}>",
    f"<!DOCTYPE html><img src=x onerror={RUN}>",
    f"<b><i><u><s><img src=x onerror={RUN}></s></u></i></b>",
    f"<p><b>unclosed <i>tags <a href='https://example.org/'>and <img src=x onerror={RUN}",
    f"</b></i></a></p></div></section></main><img src=x onerror={RUN}>",
    f"<div><div><div><div><div><div><div><div><img src=x onerror={RUN}>",
    # Encoded forms: none may be decoded into markup.
    f"&lt;script&gt;{RUN}&lt;/script&gt;",
    f"&amp;lt;script&amp;gt;{RUN}&amp;lt;/script&amp;gt;",
    f"&#60;script&#62;{RUN}&#60;/script&#62;",
    f"&#x3C;img src=x onerror={RUN}&#x3E;",
    f"&#60img src=x onerror={RUN}&#62",
    f"%3Cscript%3E{RUN}%3C%2Fscript%3E",
    f"%253Cscript%253E{RUN}%253C%252Fscript%253E",
    f"\\u003cscript\\u003e{RUN}\\u003c/script\\u003e",
    f"\\x3cscript\\x3e{RUN}\\x3c/script\\x3e",
    "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
    f"＜script＞{RUN}＜/script＞",
    f"\u00abscript\u00bb{RUN}\u00ab/script\u00bb",
    f"<scr\u200bipt>{RUN}</scr\u200bipt>",
    f"<img src=x o\u00adnerror={RUN}>",
    f"PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg== <script>{RUN}</script>",
    # Markdown-ish and autolinked text.
    "[click me](javascript:alert(1))",
    "![image](javascript:alert(1))",
    "[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    f'http://example.org/"><script>{RUN}</script>',
    f'https://example.org/?q="onmouseover="{RUN}',
    f"www.example.org/<img src=x onerror={RUN}>",
    f"http://example.org/#<svg onload={RUN}>",
    "javascript:alert(1)//http://example.org/",
    "mailto:x@example.org?body=<script>alert(1)</script>",
    f'mailto:"><img src=x onerror={RUN}>@example.org',
]

# A URL that runs script when followed, spelled every way a browser still understands.
SCHEMES = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "jav\tascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "jav&#x0A;ascript:alert(1)",
    "jav&#x0D;ascript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)",
    "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "javascript:%61lert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml,<svg onload=alert(1)>",
]

# Where a URL goes: the attribute that a browser would follow or fetch.
CARRIERS = [
    '<a href="{url}">a link</a>',
    "<a href={url}>an unquoted link</a>",
    "<iframe src='{url}'></iframe>",
    '<form action="{url}"><button>Send</button></form>',
]

# An element, the handler that fires on its own, and what makes it fire.
TAGS_AND_HANDLERS = [
    ("img", "onerror", "src=x"),
    ("image", "onerror", "src=x"),
    ("svg", "onload", ""),
    ("body", "onload", ""),
    ("iframe", "onload", ""),
    ("input", "onfocus", "autofocus"),
    ("details", "ontoggle", "open"),
    ("video", "onerror", "src=x"),
    ("object", "onerror", "data=x"),
    ("style", "onload", ""),
    ("link", "onerror", "rel=stylesheet href=x"),
    ("div", "onpointerenter", 'style="position:fixed;inset:0"'),
]
# How an attribute can be written.
QUOTINGS = ['{handler}="{js}"', "{handler}='{js}'", "{handler}={js}", "{handler} = {js}"]

NAMES = [
    f"<script>{RUN}</script>",
    f'"><img src=x onerror={RUN}>',
    f"'><svg onload={RUN}>",
    f"</span><svg onload={RUN}>",
    "</header><script>alert(1)</script>",
    f"<a href=javascript:{RUN}>me</a>",
    f'" onmouseover="{RUN}" x="',
    "javascript:alert(1)",
    "&lt;b&gt;entity&lt;/b&gt;",
    f"<b onmouseover={RUN}>bold name</b>",
    f"<iframe srcdoc='<script>{RUN_FROM_FRAME}</script>'>",
    f"<details open ontoggle={RUN}>",
]


def url_vectors() -> list[str]:
    return [carrier.format(url=url) for carrier, url in product(CARRIERS, SCHEMES)]


def handler_vectors() -> list[str]:
    vectors = []
    for (tag, handler, trigger), quoting in product(TAGS_AND_HANDLERS, QUOTINGS):
        vectors.append(f"<{tag} {trigger} {quoting.format(handler=handler, js=RUN)}>{tag}</{tag}>")
        # Tag and attribute names are case-blind in HTML; the script is not.
        shouting = quoting.format(handler=handler.upper(), js=RUN)
        vectors.append(f"<{tag.upper()} {trigger} {shouting}>")
    return vectors


def body_vectors() -> list[str]:
    """Every distinct hostile body, in a stable order."""
    return list(dict.fromkeys(CLASSICS + url_vectors() + handler_vectors()))
