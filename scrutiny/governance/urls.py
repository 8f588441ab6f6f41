from django.urls import path

from scrutiny.governance import views

app_name = "governance"

urlpatterns = [
    path("", views.index, name="index"),
    path("national/", views.national, name="national"),
    path("national/figures/", views.national_figures, name="national-figures"),
    path("national/export/", views.national_export, name="national-export"),
    path("area/<int:area_id>/", views.area, name="area"),
    path("area/<int:area_id>/figures/", views.area_figures, name="area-figures"),
    path("area/<int:area_id>/export/", views.area_export, name="area-export"),
    path("exports/<int:job_id>/", views.export_detail, name="export-detail"),
    path("exports/<int:job_id>/download/", views.export_download, name="export-download"),
    path("email-summary/", views.digest, name="digest"),
]
