"""Search over the posts and the published comments, and the page that shows the results.

On PostgreSQL: full-text search with English stemming, a title match weighted above the body,
ranked, and the matches marked by ts_headline, over the GIN indexes of the posts (forum migration
0003) and of the comments' documents in their own table (forum.models.CommentSearch, 0005).
Elsewhere (SQLite, the embedded default): every word must appear, in any case, and the matches
are marked here. Either way an excerpt is escaped first and only then given its <mark>s.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, partial

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorCombinable,
    SearchVectorField,
)
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, F, Func, Q, QuerySet, TextField, Value, When
from django.shortcuts import render
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from blogarchive.models import Post
from forum import markup
from forum.models import Comment

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
EXCERPT_LENGTH = 240
# Each word is one more LIKE over every row: enough for any real question, and no more.
MAX_WORDS = 8
# What ts_headline puts around a match: control characters that forum.markup.normalise keeps
# out of comments and queries; they become <mark> only after the text around them is escaped.
START, STOP = "\x02", "\x03"
_SELECTED = re.compile(f"{START}(.*?){STOP}", re.DOTALL)
_WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True)
class Hit:
    """One result, a post or a comment, its title and excerpt already escaped and marked."""

    kind: str
    title: SafeString
    url: str
    date: date | datetime
    excerpt: SafeString
    author: str = ""


class Results:
    """Matching posts, then matching comments: a sequence a Paginator counts and slices.

    Two queries to count and at most two for a page, however many results there are.
    """

    def __init__(self, posts: QuerySet, comments: QuerySet, to_hits: Callable):
        self.posts, self.comments, self.to_hits = posts, comments, to_hits

    @cached_property
    def counts(self) -> dict[str, int]:
        return {"post": self.posts.count(), "comment": self.comments.count()}

    def count(self) -> int:
        return sum(self.counts.values())

    def __getitem__(self, window: slice) -> list[Hit]:
        start, stop = window.start or 0, window.stop
        hits = []
        for kind, rows in (("post", self.posts), ("comment", self.comments)):
            total = self.counts[kind]
            if start < total and stop > 0:
                hits += self.to_hits(kind, rows[max(start, 0) : min(stop, total)])
            start, stop = start - total, stop - total
        return hits


def full_text() -> bool:
    """Whether the database can do full-text search (the one place that asks)."""
    return connection.vendor == "postgresql"


def search(query: str) -> Results:
    """Posts and published comments matching the query, best or newest first."""
    return _full_text(query) if full_text() else _every_word(query)


def _post_hit(post: Post, title: SafeString, excerpt: SafeString) -> Hit:
    return Hit("post", title, post.get_absolute_url(), post.published, excerpt)


def _comment_hit(comment: Comment, excerpt: SafeString) -> Hit:
    # The permalink finds the page of a long thread the comment is on, and its anchor.
    when = comment.created or comment.post.published
    title = escape(comment.post.title)
    return Hit("comment", title, comment.get_absolute_url(), when, excerpt, comment.display_name)


def _published_comments() -> QuerySet:
    return (
        Comment.objects.published()
        .select_related("post")
        .only("author_name", "created", "body", "post__title", "post__slug", "post__published")
    )


def _marked(text: str, matches: list[tuple[int, int]]) -> SafeString:
    """Escape text, wrapping each (start, end) span in <mark>; the sentinels never show."""
    pieces, last = [], 0
    for start, end in matches:
        pieces += [escape(text[last:start]), "<mark>", escape(text[start:end]), "</mark>"]
        last = end
    pieces.append(escape(text[last:]))
    html = "".join(pieces).replace(START, "").replace(STOP, "")
    # Every piece of the reader's text went through escape(); only our <mark>s are bare.
    return mark_safe(html)


# PostgreSQL: full-text search.


class _ParagraphsVector(SearchVectorCombinable, Func):
    """A post's paragraphs (a JSON list of strings) as a weight-B tsvector."""

    template = (
        "setweight(jsonb_to_tsvector('english'::regconfig, %(expressions)s, '[\"string\"]'), 'B')"
    )
    output_field = SearchVectorField()
    config = None


class _ParagraphsText(Func):
    """A post's paragraphs as one text, for ts_headline."""

    template = "array_to_string(ARRAY(SELECT jsonb_array_elements_text(%(expressions)s)), ' ')"
    output_field = TextField()


def _headline(expression, query: SearchQuery, **options) -> SearchHeadline:
    return SearchHeadline(
        expression, query, config="english", start_sel=START, stop_sel=STOP, **options
    )


def _from_headline(text: str) -> SafeString:
    """ts_headline's text with its selection marks as spans, for _marked."""
    plain, spans, last = "", [], 0
    for match in _SELECTED.finditer(text):
        plain += text[last : match.start()]
        spans.append((len(plain), len(plain) + len(match.group(1))))
        plain += match.group(1)
        last = match.end()
    return _marked(plain + text[last:], spans)


def _full_text(query: str) -> Results:
    words = SearchQuery(query, config="english", search_type="websearch")
    return Results(_ranked_posts(words), _ranked_comments(words), _ranked_hits)


# The vector must stay exactly the expression that migration 0003 indexes, or the database reads
# every row on every search.
def _post_vector():
    return SearchVector("title", config="english", weight="A") + _ParagraphsVector("paragraphs")


# A post is long: two passages around the matches. A comment is mostly short enough to show
# whole, and ts_headline's passages cut short texts too soon.
_POST_EXCERPT = {"max_words": 40, "min_words": 20, "max_fragments": 2, "fragment_delimiter": " … "}
_COMMENT_EXCERPT = {"max_words": 45, "min_words": 25}


def _ranked_posts(words: SearchQuery) -> QuerySet:
    return (
        Post.objects.alias(document=_post_vector())
        .filter(document=words)
        .annotate(
            rank=SearchRank(_post_vector(), words),
            marked_title=_headline("title", words, highlight_all=True),
            excerpt=_headline(_ParagraphsText("paragraphs"), words, **_POST_EXCERPT),
        )
        .only("title", "slug", "published")
        .order_by("-rank", "-published", "-id")
    )


def _ranked_comments(words: SearchQuery) -> QuerySet:
    return (
        _published_comments()
        .filter(search__document=words)
        .annotate(
            rank=SearchRank(F("search__document"), words),
            excerpt=_headline("body", words, **_COMMENT_EXCERPT),
        )
        .defer("body")
        .order_by("-rank", F("created").desc(nulls_last=True), "-id")
    )


def _ranked_hits(kind: str, rows) -> list[Hit]:
    if kind == "post":
        return [
            _post_hit(post, _from_headline(post.marked_title), _from_headline(post.excerpt))
            for post in rows
        ]
    return [_comment_hit(comment, _from_headline(comment.excerpt)) for comment in rows]


# Elsewhere: every word, in any case.


def _every_word(query: str) -> Results:
    words = list(dict.fromkeys(w.lower() for w in _WORD.findall(query)))[:MAX_WORDS]
    if not words:
        return Results(Post.objects.none(), Comment.objects.none(), _found_hits)
    # SQLite keeps JSON with non-ASCII letters escaped (\u2019): look for a word as stored.
    in_post = [Q(title__icontains=w) | Q(paragraphs__icontains=json.dumps(w)[1:-1]) for w in words]
    in_title = sum((Case(When(title__icontains=w, then=1), default=0) for w in words), Value(0))
    posts = (
        Post.objects.filter(*in_post)
        .annotate(title_words=in_title)
        .only("title", "slug", "published", "paragraphs")
        .order_by("-title_words", "-published", "-id")
    )
    comments = (
        _published_comments()
        .filter(*[Q(body__icontains=w) for w in words])
        .order_by(F("created").desc(nulls_last=True), "-id")
    )
    pattern = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))), re.I)
    return Results(posts, comments, partial(_found_hits, pattern=pattern))


def _found_hits(kind: str, rows, *, pattern: re.Pattern | None = None) -> list[Hit]:
    if kind == "post":
        return [
            _post_hit(post, _highlight(post.title, pattern), _excerpt(post.paragraphs, pattern))
            for post in rows
        ]
    return [_comment_hit(comment, _excerpt([comment.body], pattern)) for comment in rows]


def _highlight(text: str, pattern: re.Pattern) -> SafeString:
    return _marked(text, [match.span() for match in pattern.finditer(text)])


def _excerpt(paragraphs: list[str], pattern: re.Pattern) -> SafeString:
    """About EXCERPT_LENGTH characters around the first match, cut between words."""
    text = " ".join(" ".join(paragraphs).split())
    first = pattern.search(text)
    start = max((first.start() if first else 0) - EXCERPT_LENGTH // 3, 0)
    if start:
        start = text.find(" ", start, first.start()) + 1 or start
    end = start + EXCERPT_LENGTH
    if end < len(text):
        end = text.rfind(" ", start, end) if " " in text[start:end] else end
    before, after = ("… " if start else ""), (" …" if end < len(text) else "")
    return format_html("{}{}{}", before, _highlight(text[start:end], pattern), after)


# The page.


def _read_query(raw: str) -> tuple[str, bool]:
    """The query as searched: printable, on one line, at most MAX_QUERY_LENGTH characters."""
    query = " ".join(markup.normalise(raw).split())
    return query[:MAX_QUERY_LENGTH].strip(), len(query) > MAX_QUERY_LENGTH


@require_safe
def search_page(request):
    """The search form and, for a query, a page of matching posts and comments."""
    query, shortened = _read_query(request.GET.get("q", ""))
    context = {
        "query": query,
        "shortened": shortened,
        "max_length": MAX_QUERY_LENGTH,
        "full_text": full_text(),
    }
    if query:
        results = search(query)
        page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(page=page, counts=results.counts)
    return render(request, "forum/search.html", context)
