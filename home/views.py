from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A form posted without a valid security token: the site's own page, not Django's."""
    return render(request, "403_csrf.html", status=403)
