from django.urls import path

from content import views

app_name = "content"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("files/images/<int:image_id>/<int:width>/", views.image, name="image"),
]
