# Written next: the sign-up, confirmation and manage views.
from django.http import HttpResponse


def subscribe(request):
    return HttpResponse("")


def check_your_email(request):
    return HttpResponse("")


def confirm(request, token):
    return HttpResponse("")


def manage(request, key):
    return HttpResponse("")
