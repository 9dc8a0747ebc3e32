"""Search over the posts and the published comments, and the page that shows the results.

Full-text search with English stemming, a title match weighted above the body, ranked, and
the matches marked by the database:
- on PostgreSQL, ts_rank and ts_headline over the GIN indexes of the posts (forum migration 0003)
  and of the comments' documents in their own table (forum.models.CommentSearch, 0005);
- on SQLite, bm25, highlight and snippet over FTS5 indexes (forum.sqlite_fulltext, 0012).
Either way an excerpt is escaped first and only then given its <mark>s.
"""

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
from django.db.models import F, Func, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from blogarchive.models import Post
from forum import markup, sqlite_fulltext
from forum.models import Comment

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
# Enough for any real question, and no more: each word is one more term to intersect.
MAX_WORDS = 8
# What ts_headline puts around a match: control characters that forum.markup.normalise keeps
# out of comments and queries; they become <mark> only after the text around them is escaped.
START, STOP = "\x02", "\x03"
_SELECTED = re.compile(f"{START}(.*?){STOP}", re.DOTALL)
_WORD = re.compile(r"\w+(?:['’]\w+)*")
# A reader's query as PostgreSQL's websearch syntax reads it: "a phrase", -left-out, words.
_TERM = re.compile(r'"([^"]*)"?|(-?)(\w+(?:[\'’]\w+)*)')


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

    Two queries to count and at most four for a page, however many results there are.
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


def search(query: str) -> Results:
    """Posts and published comments matching the query, best or newest first."""
    if connection.vendor == "postgresql":
        return _full_text(query)
    return _sqlite_full_text(query)


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
    posts = HeadlinedPage(_ranked_posts(words), partial(_post_headlines, words))
    comments = HeadlinedPage(_ranked_comments(words), partial(_comment_headlines, words))
    return Results(posts, comments, _ranked_hits)


class HeadlinedPage:
    """Ranked rows whose headlines are made for the rows of the page asked for alone.

    PostgreSQL computes what a query selects for every matching row before it sorts them, and
    ts_headline reads each row's whole text: for a word in 7,730 comments, a second. Here the
    page's ids are ranked first, then only they are read again with their headlines.
    """

    def __init__(self, ranked: QuerySet, headlined: Callable[[QuerySet], QuerySet]):
        self.ranked, self.headlined = ranked, headlined

    def count(self) -> int:
        return self.ranked.count()

    def __getitem__(self, window: slice) -> list:
        ids = list(self.ranked.values_list("pk", flat=True)[window])
        return list(self.headlined(self.ranked.filter(pk__in=ids))) if ids else []


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
        .annotate(rank=SearchRank(_post_vector(), words))
        .only("title", "slug", "published")
        .order_by("-rank", "-published", "-id")
    )


def _post_headlines(words: SearchQuery, posts: QuerySet) -> QuerySet:
    return posts.annotate(
        marked_title=_headline("title", words, highlight_all=True),
        excerpt=_headline(_ParagraphsText("paragraphs"), words, **_POST_EXCERPT),
    )


def _ranked_comments(words: SearchQuery) -> QuerySet:
    return (
        _published_comments()
        .filter(search__document=words)
        .annotate(rank=SearchRank(F("search__document"), words))
        .defer("body")
        .order_by("-rank", F("created").desc(nulls_last=True), "-id")
    )


def _comment_headlines(words: SearchQuery, comments: QuerySet) -> QuerySet:
    return comments.annotate(excerpt=_headline("body", words, **_COMMENT_EXCERPT))


def _ranked_hits(kind: str, rows) -> list[Hit]:
    if kind == "post":
        return [
            _post_hit(post, _from_headline(post.marked_title), _from_headline(post.excerpt))
            for post in rows
        ]
    return [_comment_hit(comment, _from_headline(comment.excerpt)) for comment in rows]


# SQLite: FTS5.


def fts5_query(query: str) -> str | None:
    """The reader's query in FTS5's syntax: every word (or "phrase") and none of the -words.

    Each term is quoted, so nothing a reader types is read as an FTS5 operator. None when
    there is no word to look for (only punctuation, or only words to leave out).
    """
    wanted, unwanted = [], []
    for phrase, minus, word in _TERM.findall(query):
        words = _WORD.findall(phrase) if phrase else [word] if word else []
        if words:
            (unwanted if minus else wanted).append('"' + " ".join(words) + '"')
    wanted = list(dict.fromkeys(wanted))[:MAX_WORDS]
    if not wanted:
        return None
    unwanted = list(dict.fromkeys(unwanted))[:MAX_WORDS]
    return "(" + " AND ".join(wanted) + ")" + "".join(f" NOT {term}" for term in unwanted)


def _sqlite_full_text(query: str) -> Results:
    terms = fts5_query(query)
    if terms is None:
        return Results(Post.objects.none(), Comment.objects.none(), _ranked_hits)
    marks = [START, STOP]
    posts = (
        Post.objects.filter(fulltext__title__match=terms)
        .annotate(
            marked_title=RawSQL("highlight(forum_post_fts, 0, %s, %s)", marks),
            excerpt=RawSQL("snippet(forum_post_fts, 1, %s, %s, ' … ', 40)", marks),
        )
        .only("title", "slug", "published")
        # bm25 is lower for a better match; a word of the title weighs as ten of the body.
        .order_by(RawSQL("bm25(forum_post_fts, 10.0, 1.0)", []), "-published", "-id")
    )
    comments = sqlite_fulltext.RankedComments(terms, (START, STOP))
    return Results(posts, comments, _ranked_hits)


# The page.


def _read_query(raw: str) -> tuple[str, bool]:
    """The query as searched: printable, on one line, at most MAX_QUERY_LENGTH characters."""
    query = " ".join(markup.normalise(raw).split())
    return query[:MAX_QUERY_LENGTH].strip(), len(query) > MAX_QUERY_LENGTH


@require_safe
def search_page(request):
    """The search form and, for a query, a page of matching posts and comments."""
    query, shortened = _read_query(request.GET.get("q", ""))
    context = {"query": query, "shortened": shortened, "max_length": MAX_QUERY_LENGTH}
    if query:
        results = search(query)
        page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(page=page, counts=results.counts)
    return render(request, "forum/search.html", context)
