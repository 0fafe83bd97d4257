from wagtail import hooks

from core.i18n import redirect_to_own_language


@hooks.register("before_serve_page")
def serve_in_own_language(page, request, serve_args, serve_kwargs):
    return redirect_to_own_language(page, request)
