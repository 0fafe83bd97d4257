import logging

from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: is this app server able to reach its database?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database is unreachable")
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class NotFoundPageInDevelopment:
    """Development only (config/settings/dev.py): a missing page shows the site's own 404 page,
    as readers get it, with the reason below it, not Django's debug page of URL patterns."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            note = str(exception) or "No page at this address."
            return render(request, "404.html", {"developer_note": note}, status=404)
        return None
