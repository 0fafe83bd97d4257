from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from core import password_reset, signin
from core import reports as core_reports
from core.sitemap import Sitemap
from core.views import health
from home.views import robots_txt, security_txt
from search import views as search_views

urlpatterns = [
    # Wagtail's password reset, limited and mailing after the response (core/password_reset.py).
    path(
        "admin/password_reset/",
        password_reset.PasswordResetView.as_view(),
        name="wagtailadmin_password_reset",
    ),
    # Wagtail's reports with their spreadsheets escaped, first (core/reports.py).
    path("admin/", include(core_reports)),
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's document-password door, throttled like the page-password one (core/signin.py).
    path(
        "documents/authenticate_with_password/<int:restriction_id>/",
        signin.authenticate_with_document_password,
        name="wagtaildocs_authenticate_with_password",
    ),
    path("documents/", include(wagtaildocs_urls)),
    # Wagtail's sitemap of live, public pages; each page gives its own addresses (BasePage).
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": Sitemap}}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("health/", health, name="health"),
    path(".well-known/security.txt", security_txt, name="security_txt"),
]

# The mail provider's reports of bounces and complaints (bulletins/bounces.py), when set up.
if settings.ANYMAIL_WEBHOOK_SECRET:
    urlpatterns.append(path("anymail/", include("anymail.urls")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Readers' pages in English at their own addresses, in Spanish under /es/.
urlpatterns += i18n_patterns(
    path("search/", search_views.search, name="search"),
    # Peru Update's sign-up, confirmation and subscriber pages (bulletins/urls.py).
    path("", include("bulletins.urls")),
    # Wagtail's two sign-in doors, throttled (core/signin.py), under Wagtail's own names and
    # addresses so that its redirects to them still work.
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        signin.authenticate_with_password,
        name="wagtailcore_authenticate_with_password",
    ),
    path("_util/login/", signin.SignInView.as_view(), name="wagtailcore_login"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
