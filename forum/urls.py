from django.urls import path, re_path, register_converter

from forum import feeds, legacy, post_views, search, views


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


class MonthConverter(YearConverter):
    regex = "[0-9]{2}"

    def to_url(self, value) -> str:
        return f"{int(value):02d}"


class OldNameConverter:
    """The name of a post's page on the old blog, "a-sad-fact-of-life.html", without ".html"."""

    regex = r"[^/]+\.html"

    def to_python(self, value: str) -> str:
        return value.removesuffix(".html")

    def to_url(self, value: str) -> str:
        return f"{value}.html"


register_converter(YearConverter, "yyyy")
register_converter(OldNameConverter, "oldname")
register_converter(MonthConverter, "mm")

app_name = "forum"

urlpatterns = [
    path("", views.home, name="home"),
    path("your-comments/", views.your_comments, name="your_comments"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("<yyyy:year>/", views.archive_year, name="archive_year"),
    path("<yyyy:year>/<mm:month>/", views.archive_month, name="archive_month"),
    path("<yyyy:year>/<mm:month>/<slug:slug>/", post_views.post_detail, name="post_detail"),
    path("label/<str:slug>/", views.label, name="label"),
    path("comments/<int:pk>/", post_views.comment_permalink, name="comment"),
    path("search/", search.search_page, name="search"),
    path("feeds/posts/", feeds.LatestPosts(), name="posts_feed"),
    path("feeds/comments/", feeds.LatestComments(), name="comments_feed"),
    path(
        "feeds/<yyyy:year>/<mm:month>/<slug:slug>/comments/",
        feeds.PostComments(),
        name="post_comments_feed",
    ),
    # The old blog's addresses (forum.legacy).
    path("<yyyy:year>/<mm:month>/<oldname:slug>", legacy.old_post, name="old_post"),
    path("search/label/<path:name>", legacy.old_label, name="old_label"),
    re_path(r"^feeds/posts/(?:default|summary)/?$", legacy.old_feed, {"feed": "posts"}),
    re_path(r"^(?:atom|rss)\.xml$", legacy.old_feed, {"feed": "posts"}),
    re_path(r"^feeds/comments/(?:default|summary)/?$", legacy.old_feed, {"feed": "comments"}),
    re_path(
        r"^feeds/(?P<blogger_id>[0-9]{1,30})/comments/(?:default|summary)/?$",
        legacy.old_post_comments_feed,
        name="old_post_comments_feed",
    ),
]
