from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from planwatch.core.forms import LoginForm

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="plans:list", permanent=False), name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("plans/", include("planwatch.plans.urls")),
    path("agencies/", include("planwatch.organisations.urls")),
    path("reporting/", include("planwatch.reporting.urls")),
    path("admin/", admin.site.urls),
]
