from django.urls import path

from planwatch.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/plan.json", views.plan_export, name="export"),
    path("<int:pk>/status/", views.plan_status, name="status"),
    path("<int:pk>/source/", views.plan_source, name="source"),
    path("upload/", views.draft_upload, name="upload"),
    path("drafts/", views.draft_list, name="drafts"),
    path("drafts/<int:pk>/", views.draft_review, name="draft"),
    path("drafts/<int:pk>/discard/", views.draft_discard, name="draft_discard"),
]
