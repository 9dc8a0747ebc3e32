"""The forum as a reader meets it: posting its form, and the public pages to look at."""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from blogarchive.models import Post

# Feeds and search came later than the pages: each is checked wherever it exists.
SITE_FEEDS = ["forum:posts_feed", "forum:comments_feed"]
POST_FEEDS = ["forum:post_comments_feed"]
SEARCH = "forum:search"


def post_comment(client, post: Post, body: str, *, address: str = "10.0.0.1", **fields):
    """Submit the post page's comment form as a browser would."""
    return client.post(post.get_absolute_url(), {"body": body, **fields}, REMOTE_ADDR=address)


def post_every_vector(client, post, vectors: list[str], *, replies_every: int = 4) -> list[int]:
    """Post each vector through the form; every few, as a reply to the comment before it."""
    posted: list[int] = []
    for n, vector in enumerate(vectors):
        fields = {}
        if posted and n % replies_every == 0:
            fields["parent"] = posted[-1]
        response = post_comment(client, post, vector, **fields)
        assert response.status_code == 302, (vector, response.content.decode()[-2000:])
        posted.append(int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))
    return posted


def public_pages(posts: list[Post]) -> list[str]:
    """Every HTML page anyone may read that could show a comment or a count of comments."""
    urls = [reverse("forum:home"), reverse("forum:your_comments")]
    for post in posts:
        year, month = post.published.year, post.published.month
        urls += [
            post.get_absolute_url(),
            reverse("forum:archive_year", args=[year]),
            reverse("forum:archive_month", args=[year, month]),
        ]
    return list(dict.fromkeys(urls))


def feeds(posts: list[Post]) -> list[str]:
    """The Atom feeds of the site and of each post, as far as they exist yet."""
    urls = [url for name in SITE_FEEDS if (url := _reverse(name))]
    for post in posts:
        args = [post.published.year, post.published.month, post.slug]
        urls += [url for name in POST_FEEDS if (url := _reverse(name, args))]
    return urls


def searches(queries: list[str]) -> list[str]:
    """The search page asked each query, or nothing if there is no search yet."""
    url = _reverse(SEARCH)
    return [f"{url}?{urlencode({'q': query})}" for query in queries] if url else []


def _reverse(name: str, args=()) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None
