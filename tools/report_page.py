#!/usr/bin/env python3
"""Build-time: the HTML report's page, web/index.html made self-contained.

Usage: report_page.py --web DIR -o OUT.html

The page `profviz export --html` writes (export/html.c) is index.html
with its style sheets inlined as one <style>, its modules as one inline
module script (tools/bundle.py), the favicon as a data: URL, the home
link (a server's index) made plain text, and a Content-Security-Policy
<meta> that lets run exactly that script and that style (by their
SHA-256) and load nothing from anywhere: a report opened from disk makes
no request at all.  html.c puts the profile's data where the
REPORT_DATA marker is, as an element that is never executed.

Every edit must find what it expects in index.html, once; when the page
changes shape the build fails here rather than writing a report that
quietly loads files it does not have.
"""
import argparse
import base64
import hashlib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bundle  # noqa: E402

REPORT_DATA = "<!--profviz-report-data-->"


def csp_hash(text):
    return "'sha256-%s'" % base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def replace_once(page, pattern, repl, what):
    page, n = re.subn(pattern, lambda m: repl, page, flags=re.M)
    if n != 1:
        raise bundle.BundleError("index.html: expected one %s, found %d" % (what, n))
    return page


def report_page(web):
    with open(os.path.join(web, "index.html"), encoding="utf-8") as fh:
        page = fh.read()
    sheets = re.findall(r'^<link rel="stylesheet" href="/(css/[\w.-]+\.css)">\n', page, re.M)
    if not sheets:
        raise bundle.BundleError("index.html: no style sheet links")
    css = ""
    for sheet in sheets:
        with open(os.path.join(web, sheet), encoding="utf-8") as fh:
            css += fh.read()
    if "</style" in css.lower():
        raise bundle.BundleError("a style sheet holds '</style'")
    script = bundle.bundle(os.path.join(web, "js"), os.path.join(web, "js", "main.js"))
    if "</script" in script.lower() or "<!--" in script:
        raise bundle.BundleError("the bundle holds '</script' or '<!--', which would end its element")
    with open(os.path.join(web, "favicon.svg"), "rb") as fh:
        icon = "data:image/svg+xml;base64," + base64.b64encode(fh.read()).decode()

    page = re.sub(r'^<link rel="stylesheet" href="/css/[\w.-]+\.css">\n', "", page, flags=re.M)
    page = replace_once(page, r'^<script type="module" src="/js/main\.js"></script>$',
                        '<style>%s</style>\n<script type="module">%s</script>' % (css, script),
                        "module script")
    page = replace_once(page, r'<link rel="icon" href="/favicon\.svg" type="image/svg\+xml">',
                        '<link rel="icon" href="%s" type="image/svg+xml">' % icon, "favicon link")
    page = replace_once(page, r'<a id="home" href="/">profviz</a>',
                        '<span id="home">profviz</span>', "home link")
    policy = ("default-src 'none'; script-src %s; style-src %s; img-src data:; "
              "base-uri 'none'; form-action 'none'" % (csp_hash(script), csp_hash(css)))
    page = replace_once(page, r'^<meta charset="utf-8">$',
                        '<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" '
                        'content="%s">' % policy, "charset")
    page = replace_once(page, r"^</body>$", REPORT_DATA + "\n</body>", "</body>")
    return page


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--web", required=True, help="the web/ folder")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    try:
        page = report_page(args.web)
    except bundle.BundleError as e:
        sys.exit("report_page.py: %s" % e)
    bundle.write_whole(args.output, page)


if __name__ == "__main__":
    main()
