from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from jixiao.web import public_views
from jixiao.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("login/", web_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("orgs/", include("jixiao.orgs.urls")),
    path("audit/", include("jixiao.audit.urls")),
    path("notifications/", include("jixiao.notifications.urls")),
    path("periods/", include("jixiao.periods.urls")),
    path("indicators/", include("jixiao.indicators.urls")),
    path("budget/", include("jixiao.budget.urls")),
    path("appraisal/", include("jixiao.appraisal.urls")),
    path("government/", include("jixiao.government.urls")),
    path("surveys/", include("jixiao.surveys.urls")),
    path("public/", public_views.public_home, name="public_home"),
    path("api/", include("jixiao.api.urls")),
    path("admin/", admin.site.urls),
]
