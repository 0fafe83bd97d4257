vcl 4.1;
# The HTTP cache in front of gunicorn (docs/deploy.md), for Varnish 7 (Debian 12's varnish).
#
# What it keeps is what the site says may be kept (Cache-Control, core/headers.py): public
# pages for anonymous readers, for s-maxage. Everything of one person's (the admin, a signed-in
# editor, a preview, a form with a CSRF token, a restricted page) passes straight through.
# The site purges the whole host after every change (core/frontend_cache.py).
#
# Change the backend below if gunicorn does not listen on 127.0.0.1:8001 (GUNICORN_BIND), and
# the purgers ACL if the application runs on other machines than this one.

import std;

backend default {
    .host = "127.0.0.1";
    .port = "8001";
    # gunicorn answers in at most GUNICORN_TIMEOUT (30 s).
    .first_byte_timeout = 35s;
    .probe = {
        # Host must be one of ALLOWED_HOSTS; X-Forwarded-Proto spares it the HTTPS redirect.
        .request =
            "GET /health/ HTTP/1.1"
            "Host: localhost"
            "X-Forwarded-Proto: https"
            "Connection: close"
            "User-Agent: Varnish health probe";
        .interval = 5s;
        .timeout = 3s;
        .window = 5;
        .threshold = 3;
        .initial = 3;
    }
}

# Who may PURGE and BAN: the application servers (here, this machine).
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        # Bans on the objects' own headers (set in vcl_backend_response), so the ban lurker
        # clears them in the background, whatever port or protocol they were asked for on:
        # a whole host for an address ending in `*` (as CloudFront understands it too),
        # otherwise that one address.
        if (req.url ~ "\*$") {
            set req.http.x-ban = "obj.http.x-host == " + regsub(req.http.host, ":[0-9]+$", "")
                + " && obj.http.x-url ~ ^" + regsub(req.url, "\*$", "");
        } else {
            set req.http.x-ban = "obj.http.x-host == " + regsub(req.http.host, ":[0-9]+$", "")
                + " && obj.http.x-url == " + req.url;
        }
        if (std.ban(req.http.x-ban)) {
            return (synth(200, "Banned"));
        }
        return (synth(400, std.ban_error()));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        # POST (the join form, sign-in) and every other method: to the site, cookies and all.
        return (pass);
    }
    if (req.url ~ "^/admin(/|$)" || req.url ~ "^(/[a-z]{2}(-[a-z]+)?)?/_util/") {
        # The admin and the sign-in doors.
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)sessionid=" || req.http.Authorization) {
        # A signed-in editor, or a reader who has unlocked a page: pages of their own.
        return (pass);
    }

    # One object per page, whatever the links to it add: tracking parameters dropped, the
    # rest sorted, a bare or trailing `?` or `&` removed.
    set req.url = regsuball(req.url,
        "(?<=[?&])(utm_[^=&]*|fbclid|gclid|msclkid|mc_cid|mc_eid|_ga)(=[^&]*)?(&|$)", "");
    set req.url = std.querysort(req.url);
    set req.url = regsub(req.url, "[?&]+$", "");

    # Anonymous readers' other cookies (a CSRF token from an earlier form) are not needed to
    # read a public page, and would make every reader's copy their own.
    unset req.http.Cookie;

    # A page past its s-maxage is served stale only while the site is down (for up to an hour,
    # beresp.grace below); otherwise it is fetched afresh.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 0s;
    }
    return (hash);
}

sub vcl_backend_response {
    # What bans match, kept on the object (removed again in vcl_deliver).
    set beresp.http.x-host = regsub(bereq.http.host, ":[0-9]+$", "");
    set beresp.http.x-url = bereq.url;

    if (beresp.status >= 500 && bereq.is_bgfetch) {
        # Keep serving the stale page rather than the error.
        return (abandon);
    }
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(private|no-store|no-cache)"
        || beresp.status >= 500) {
        # Never stored; remember for a while not to wait for other readers' fetch of it.
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    set beresp.grace = 1h;
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.x-host;
    unset resp.http.x-url;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
