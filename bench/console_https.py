#!/usr/bin/env python3
"""The console's pages over real HTTPS (issue 13's benchmark): signs in as an office, a
department and an admin, then times the inbox, a filtered inbox and the case page, each
request on a kept-alive TLS connection, as a clerk's browser makes them. Prints one flat JSON
object of p50/p99 milliseconds.
Usage: console_https.py --url https://127.0.0.1:PORT --ca CA.pem --office U:P --department U:P
       --admin U:P [--requests N]"""
import argparse
import http.client
import json
import random
import re
import ssl
import statistics
import sys
import time
import urllib.parse


class Browser:
    def __init__(self, host, port, ctx):
        self.conn = http.client.HTTPSConnection(host, port, context=ctx, timeout=60)
        self.cookies = {}

    def request(self, method, path, body=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        r = self.conn.getresponse()
        data = r.read().decode("utf-8", "replace")
        ms = (time.perf_counter() - start) * 1000.0
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return r.status, data, ms, dict((k.lower(), v) for k, v in r.getheaders())

    def sign_in(self, user, password):
        status, page, _, _ = self.request("GET", "/console/signin")
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        body = urllib.parse.urlencode({"user": user, "password": password, "csrf": token})
        status, page, _, headers = self.request("POST", "/console/signin", body)
        if status != 303 or headers.get("location") != "/console/":
            sys.exit(f"bench: signing in as {user} gave {status} {headers.get('location')}: "
                     f"{page[:300]}")


def timed(browser, paths, label):
    times = []
    for path in paths:
        status, page, ms, _ = browser.request("GET", path)
        if status != 200:
            sys.exit(f"bench: {label} {path} answered {status}: {page[:300]}")
        times.append(ms)
    return times


def figures(prefix, times):
    times = sorted(times)
    p99 = times[min(len(times) - 1, int(round(0.99 * (len(times) - 1))))]
    return {f"{prefix}_p50_ms": round(statistics.median(times), 2),
            f"{prefix}_p99_ms": round(p99, 2)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--office", required=True)
    ap.add_argument("--department", required=True)
    ap.add_argument("--admin", required=True)
    ap.add_argument("--requests", type=int, default=300)
    args = ap.parse_args()
    u = urllib.parse.urlparse(args.url)
    ctx = ssl.create_default_context(cafile=args.ca)
    out = {}
    n = args.requests

    office = Browser(u.hostname, u.port, ctx)
    office.sign_in(*args.office.split(":", 1))
    # Case ids to open: those of the office's first pages, followed by cursor.
    ids, path = [], "/console/?tab=all"
    while len(ids) < 500 and path:
        _, page, _, _ = office.request("GET", path)
        ids += re.findall(r'data-case="([0-9a-f-]{36})"', page)
        m = re.search(r'id="next-page" href="([^"]+)"', page)
        path = m.group(1).replace("&amp;", "&") if m else None
    if not ids:
        sys.exit("bench: the office's inbox lists no case; was the store filled?")
    random.seed(13)
    out.update(figures("inbox", timed(office, ["/console/?tab=all"] * n, "inbox")))
    out.update(figures("inbox_waiting", timed(office, ["/console/"] * n, "inbox")))
    out.update(figures("filtered_inbox", timed(
        office, ["/console/?tab=all&stage=whistled&overdue=1&kind=routine"] * n, "filtered inbox")))
    out.update(figures("case", timed(
        office, [f"/console/cases/{random.choice(ids)}" for _ in range(n)], "case page")))

    department = Browser(u.hostname, u.port, ctx)
    department.sign_in(*args.department.split(":", 1))
    out.update(figures("department_inbox", timed(department, ["/console/"] * n, "department inbox")))

    admin = Browser(u.hostname, u.port, ctx)
    admin.sign_in(*args.admin.split(":", 1))
    out.update(figures("admin_inbox", timed(admin, ["/console/?tab=all"] * n, "admin inbox")))
    out.update(figures("admin_filtered_inbox", timed(
        admin, ["/console/?tab=all&stage=reported&overdue=1"] * n, "admin filtered inbox")))
    out["requests_each"] = n
    print(json.dumps(out))


main()
