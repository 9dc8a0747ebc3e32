from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "On Probation: moderation"
admin.site.site_title = "On Probation admin"
admin.site.index_title = "Moderation and archive"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("moderation.urls")),
    path("", include("forum.urls")),
]
