from django.contrib import admin

from blogarchive.models import Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "published", "comments_open", "source_file"]
    list_filter = ["comments_open", "published"]
    search_fields = ["title"]
    date_hierarchy = "published"
    prepopulated_fields = {"slug": ["title"]}
    list_editable = ["comments_open"]
    readonly_fields = ["source_file", "source_line"]
    fields = [
        "title",
        "slug",
        "published",
        "comments_open",
        "paragraphs",
        "source_file",
        "source_line",
    ]
