from django.contrib import admin

from blogarchive.models import Label, Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "published", "comments_open", "source_file"]
    list_filter = ["comments_open", "published"]
    search_fields = ["title"]
    date_hierarchy = "published"
    prepopulated_fields = {"slug": ["title"]}
    list_editable = ["comments_open"]
    readonly_fields = ["source_file", "source_line", "blogger_id", "old_path", "published_at"]
    fields = [
        "title",
        "slug",
        "published",
        "comments_open",
        "paragraphs",
        "labels",
        "source_file",
        "source_line",
        "blogger_id",
        "old_path",
        "published_at",
    ]
    filter_horizontal = ["labels"]


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
