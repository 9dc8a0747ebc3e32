"""The fields a Blogger backup fills, and slugs unique within a month (blogarchive 0003)."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from blogarchive.models import Label, Post
from forum.models import Comment
from tests.factories import make_comment, make_post

BEFORE = [("blogarchive", "0002_thread_version")]
AFTER = [("blogarchive", "0003_labels_and_blogger_addresses")]


def test_two_posts_of_one_month_cannot_share_a_slug(db):
    make_post(slug="a-sad-fact-of-life", published=datetime.date(2014, 9, 3))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_post(slug="a-sad-fact-of-life", published=datetime.date(2014, 9, 28))


def test_posts_of_different_months_may_share_a_slug(db):
    make_post(slug="monday", published=datetime.date(2014, 9, 29))
    make_post(slug="monday", published=datetime.date(2014, 10, 6))
    make_post(slug="monday", published=datetime.date(2015, 9, 7))
    assert Post.objects.filter(slug="monday").count() == 3


def test_two_posts_cannot_have_the_same_blogger_id_or_old_address(db):
    make_post(blogger_id="7401", old_path="/2014/09/a-sad-fact-of-life.html")
    make_post()  # Empty ids and addresses do not clash.
    make_post()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_post(blogger_id="7401")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_post(old_path="/2014/09/a-sad-fact-of-life.html")


def test_two_comments_cannot_have_the_same_blogger_id(a_post):
    make_comment(post=a_post, blogger_id="9001")
    make_comment(post=a_post)
    make_comment(post=a_post)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_comment(post=make_post(), blogger_id="9001")
    assert Comment.objects.filter(blogger_id="").count() == 2


def test_a_post_lists_its_labels_and_a_label_its_posts(a_post):
    label = Label.objects.create(name="Probation Service", slug="probation-service")
    a_post.labels.add(label)
    assert list(a_post.labels.all()) == [label]
    assert list(label.posts.all()) == [a_post]


# serialized_rollback: the flush after this test then leaves the content types to be restored,
# as the browser tests that follow expect (they restore them themselves).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_gives_a_later_post_of_the_month_a_free_slug():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("blogarchive", "Post")

    def post(day: int, slug: str):
        return old.objects.create(
            title=f"{slug} on {day}", slug=slug, published=datetime.date(2014, 9, day)
        ).pk

    first, second, third = post(3, "news"), post(10, "news"), post(17, "news")
    already_second = post(20, "news-2")
    other_month = old.objects.create(
        title="October news", slug="news", published=datetime.date(2014, 10, 1)
    ).pk
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    slugs = dict(Post.objects.values_list("pk", "slug"))
    assert slugs[first] == "news"
    assert {slugs[second], slugs[third]} == {"news-3", "news-4"}
    assert slugs[already_second] == "news-2"
    assert slugs[other_month] == "news"
