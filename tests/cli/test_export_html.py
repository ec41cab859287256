"""`profviz export --html`: the report file, driven as a user would.

Usage: test_export_html.py PROFVIZ DATA_DIR
- the page is whole: one inline style and one inline module script, each
  allowed by the Content-Security-Policy <meta> by its SHA-256, nothing
  loaded from anywhere, the profile's data in a non-executed element;
- the data holds every function and edge (as Python's pstats reads the
  file) and a tree in pre-order whose children counts add up;
- hostile names never reach the HTML as markup: the data is base64, and
  the JSON inside escapes <, >, & and U+2028/9 as well;
- --depth cuts the report's tree, and the tree says how it was cut;
- ../shared's 50,000-function dump makes a report under 5 MB (skipped
  without ../shared).
"""
import base64
import gzip
import hashlib
import json
import os
import pstats
import re
import subprocess
import sys
import tempfile
import unittest

PROFVIZ = DATA = None
HOSTILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web", "fixtures", "hostile.prof")
BIG = os.path.join(os.environ.get("PV_SHARED", ""), "corpus", "big_50k.prof")


def markup(html):
    """The page without the text of its inline style and module script
    (the app's own code, which may mention markup in comments)."""
    html = re.sub(r"<style>.*?</style>", "<style></style>", html, flags=re.S)
    return re.sub(r'<script type="module">.*?</script>', '<script type="module"></script>', html, flags=re.S)


def csp_hash(text):
    return "'sha256-%s'" % base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


class ExportHtml(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.tmp.name, "profiles.db")

    def tearDown(self):
        self.tmp.cleanup()

    def export(self, profile, *args):
        """The report's text and its data, decoded."""
        out = os.path.join(self.tmp.name, "report.html")
        r = subprocess.run([PROFVIZ, "export", "--db", self.db, profile, "--html", out, *args],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, encoding="utf-8") as fh:
            html = fh.read()
        m = re.search(r'<script type="application/json" id="report-data" data-profile="(\d+)" '
                      r'data-encoding="gzip\+base64">([A-Za-z0-9+/=]*)</script>', html)
        self.assertIsNotNone(m, "no data element")
        raw = gzip.decompress(base64.b64decode(m.group(2))).decode("utf-8")
        data = json.loads(raw)
        self.assertEqual(data["profile"]["id"], int(m.group(1)))
        return html, raw, data

    def check_tree(self, tree):
        cols = ["func", "kids", "time", "self", "calls", "lo", "hi", "flags", "merged"]
        n = len(tree["func"])
        for c in cols:
            self.assertEqual(len(tree[c]), n, c)
        self.assertEqual(tree["func"][0], -1, "the (all) box comes first")
        # Pre-order with children counts: one walk ends exactly at the end.
        depth_of, stack = [], []
        for i in range(n):
            depth_of.append(len(stack))
            if stack:
                stack[-1] -= 1
            stack.append(tree["kids"][i])
            while stack and stack[-1] == 0:
                stack.pop()
        self.assertEqual(stack, [], "children counts do not add up")
        return depth_of

    def test_page_is_whole_and_loads_nothing(self):
        profile = os.path.join(DATA, "pstats", "recursion.prof")
        html, _, data = self.export(profile)
        self.assertTrue(html.startswith("<!doctype html>"))
        csp = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
        self.assertEqual(len(csp), 1)
        styles = re.findall(r"<style>(.*?)</style>", html, re.S)
        scripts = re.findall(r'<script type="module">(.*?)</script>', html, re.S)
        self.assertEqual((len(styles), len(scripts)), (1, 1))
        self.assertIn("script-src %s;" % csp_hash(scripts[0]), csp[0])
        self.assertIn("style-src %s;" % csp_hash(styles[0]), csp[0])
        self.assertIn("default-src 'none'", csp[0])
        self.assertEqual(len(re.findall(r"<script\b", markup(html))), 2, "the app and the data, nothing else")
        self.assertNotRegex(html, r'\b(src|href)="(?!data:)', "a file or URL is linked")
        self.assertNotIn("<!--profviz-report-data-->", html)

        st = pstats.Stats(profile)
        funcs, edges = data["funcs"], data["edges"]
        self.assertEqual(funcs["entries"], len(st.stats))
        self.assertEqual(data["profile"]["name"], "recursion.prof")
        by_key = {(f, l, n): i for i, (f, l, n) in enumerate(zip(funcs["file"], funcs["line"], funcs["name"]))}
        for key, (cc, nc, tt, ct, callers) in st.stats.items():
            i = by_key[key]
            # null: the same as nc (export/html.c's same_int).
            got_cc = nc if funcs["cc"][i] is None else funcs["cc"][i]
            self.assertEqual((got_cc, funcs["nc"][i], funcs["tt"][i], funcs["ct"][i]), (cc, nc, tt, ct))
            got = {funcs["file"][edges["caller"][e]] + ":" + funcs["name"][edges["caller"][e]]:
                   (edges["nc"][e], edges["ct"][e]) for e, callee in enumerate(edges["callee"]) if callee == i}
            # A pstats caller entry is (nc, cc, tt, ct), unlike a function's.
            want = {k[0] + ":" + k[2]: (v[0], v[3]) for k, v in callers.items()}
            self.assertEqual(got, want, key)
        self.check_tree(data["tree"])
        self.assertEqual(data["tree"]["cutoff"], 0, "a small profile keeps every box")
        self.assertIn(None, funcs["cc"], "no cc written as the same as nc")
        self.assertIn(None, data["tree"]["lo"], "no exact box's bounds written as its time")

    def test_hostile_names_are_data(self):
        html, raw, data = self.export(HOSTILE)
        names = set(pstats.Stats(HOSTILE).stats)
        page = markup(html)
        for f, _, n in names:
            for s in (f, n):
                if re.search(r"[<>&]", s):
                    self.assertFalse(s in page, "%r reached the HTML as it is" % s)
        self.assertEqual(len(re.findall(r"</script", page, re.I)), 2)
        for ch in "<>&\u2028\u2029":
            self.assertNotIn(ch, raw, "the JSON holds %r unescaped" % ch)
        self.assertIn("\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e", raw)
        got = set(zip(data["funcs"]["file"], data["funcs"]["line"], data["funcs"]["name"]))
        self.assertTrue(names <= got, "names do not read back as they are")

    def test_depth_cuts_the_tree_and_says_so(self):
        html, _, data = self.export(os.path.join(DATA, "pstats", "real_pydoc.prof"), "--depth", "3")
        tree = data["tree"]
        self.assertEqual((tree["depth"], tree["capped"]), (3, ""))
        depth_of = self.check_tree(tree)
        self.assertEqual(max(depth_of), 3)
        cut = [i for i, d in enumerate(depth_of) if d == 3 and tree["func"][i] >= 0]
        self.assertTrue(cut and all(tree["flags"][i] & 4 or tree["kids"][i] == 0 for i in cut))
        self.assertTrue(any(tree["flags"][i] & 4 for i in cut), "no box at the last level says it has more")

    def test_to_standard_output(self):
        r = subprocess.run([PROFVIZ, "export", "--db", self.db, os.path.join(DATA, "pstats", "recursion.prof"),
                            "--html", "-"], capture_output=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith(b"<!doctype html>"))
        self.assertTrue(r.stdout.rstrip().endswith(b"</html>"))

    @unittest.skipUnless(os.path.exists(BIG), "../shared/corpus/big_50k.prof is not there")
    def test_50k_functions_under_5_mb(self):
        html, _, data = self.export(BIG)
        self.assertLess(len(html.encode("utf-8")), 5 * 1024 * 1024)
        self.assertEqual(len(data["funcs"]["name"]), 50010)
        self.assertGreater(data["tree"]["cutoff"], 0, "a profile this big cannot keep every box")
        self.check_tree(data["tree"])


if __name__ == "__main__":
    PROFVIZ, DATA = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=1)
