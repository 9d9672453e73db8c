from django.urls import path

from planwatch.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/accept/", views.report_accept, name="accept"),
    path("reports/<int:pk>/return/", views.report_return, name="return"),
    path(
        "reports/<int:pk>/files/<int:progress_pk>/",
        views.report_attachment,
        name="attachment",
    ),
    path("periods/<int:pk>/", views.period_detail, name="period"),
    path("periods/<int:pk>/export.xlsx", views.period_export, name="period_export"),
    path("periods/<int:pk>/due/", views.period_due, name="period_due"),
    path("plans/<int:plan_pk>/compliance/", views.compliance_matrix, name="matrix"),
    path("plans/<int:plan_pk>/calendar/", views.make_calendar, name="make_calendar"),
    path("plans/<int:plan_pk>/ad-hoc/", views.plan_ad_hoc, name="ad_hoc"),
    path("figures/", views.figures, name="figures"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
]
