from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "On Probation: moderation"
admin.site.site_title = "On Probation admin"
admin.site.index_title = "Moderation and archive"
# Moderators live in the queue: its columns need the width more than a second menu does.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("moderation.urls")),
    path("", include("forum.urls")),
]
