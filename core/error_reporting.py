"""Error reports to Sentry, when `SENTRY_DSN` is set: what failed and where, never what a person
typed or sent. The join and contact forms carry names, email and home addresses, so request
bodies, cookies, user details, SQL parameters and local variables all stay on the server."""

import sentry_sdk

# sentry-sdk's own switches (2.76 and later; 3.0 accepts only these).
DATA_COLLECTION = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_bodies": [],
    "database_query_data": False,
    "stack_frame_variables": False,
}


def scrub(event, hint):
    """A second guard, should a release of the SDK collect more than its switches say."""
    request = event.get("request") or {}
    for key in ("data", "cookies"):
        request.pop(key, None)
    headers = request.get("headers") or {}
    for name in list(headers):
        if name.lower() in {"cookie", "authorization"}:
            del headers[name]
    event.pop("user", None)
    for source in ("exception", "threads"):
        for value in (event.get(source) or {}).get("values") or []:
            for frame in (value.get("stacktrace") or {}).get("frames") or []:
                frame.pop("vars", None)
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        if crumb.get("category") == "query":
            crumb.pop("data", None)
    return event


def start(dsn, *, environment, traces_sample_rate):
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        data_collection=DATA_COLLECTION,
        before_send=scrub,
    )
