"""The notebook magic (python/profviz) in a real kernel: nbclient runs a
notebook (magic.ipynb, and cells built here) that loads the extension and
profiles cells, and the outputs are
read as JupyterLab, the classic Notebook and VS Code read them.

Usage: test_notebook.py fake SRC_DIR            (a stand-in binary)
       test_notebook.py real SRC_DIR PROFVIZ    (the real one)

fake: the cell's code ran in the notebook's namespace; the output is
text/html holding one sandboxed <iframe srcdoc> whose attribute decodes
to exactly the report the binary wrote; --height sets its height; -o keeps
the profile; a missing binary is an error saying to set PROFVIZ.
real: `%%profviz` shows the real single-file report (export/html.c) and
`%%profviz --png` the real icicle image.

Needs nbclient, nbformat and ipykernel (Debian: python3-nbclient,
python3-nbformat, python3-ipykernel): under this Python, else Debian's
/usr/bin/python3; with neither, exit 77 (skip).
"""
import html.parser
import os
import pstats
import subprocess
import sys
import tempfile
import unittest

SKIP = 77
MODE = SRC = PROFVIZ = None
HERE = os.path.dirname(os.path.abspath(__file__))


def have_jupyter(python):
    return subprocess.run([python, "-c", "import nbclient, nbformat, ipykernel"],
                          capture_output=True).returncode == 0


class Frames(html.parser.HTMLParser):
    """The iframes of an HTML output: their attributes, decoded."""

    def __init__(self):
        super().__init__()
        self.frames = []

    def handle_starttag(self, tag, attrs):
        if tag == "iframe":
            self.frames.append(dict(attrs))


def frames_of(markup):
    p = Frames()
    p.feed(markup)
    return p.frames


def run_notebook(cells, env, cwd):
    """Executes a notebook (a file name) or code cells (a list) in a fresh
    python3 kernel, in directory cwd; returns the notebook."""
    import nbclient
    import nbformat
    if isinstance(cells, str):
        nb = nbformat.read(cells, as_version=4)
    else:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    old = dict(os.environ)
    os.environ.update(env)
    # debugpy's warning about frozen modules, on every kernel start.
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    try:
        client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                         allow_errors=True, resources={"metadata": {"path": cwd}})
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    return nb


def outputs(cell, kind):
    return [o for o in cell.outputs if o.output_type == kind]


def failure(cell):
    """What a cell said went wrong: exceptions, and IPython's UsageError
    (which a notebook shows as text on stderr)."""
    return "".join([e.evalue for e in outputs(cell, "error")] +
                   [o.text for o in outputs(cell, "stream") if o.name == "stderr"])


def html_of(cell):
    shown = [o for o in outputs(cell, "display_data") if "text/html" in o.data]
    assert len(shown) == 1, cell.outputs
    assert "text/plain" in shown[0].data
    return shown[0].data["text/html"]


class Fake(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.log = os.path.join(self.tmp.name, "calls.log")
        self.env = {"PYTHONPATH": os.path.join(SRC, "python"),
                    "PROFVIZ": os.path.join(HERE, "fake_profviz.py"),
                    "FAKE_PROFVIZ_LOG": self.log}

    def tearDown(self):
        self.tmp.cleanup()

    def test_cells_are_profiled_in_the_namespace_and_shown_in_an_iframe(self):
        # magic.ipynb: helper, then %%profviz --height 321 -o kept.prof on a
        # cell defining work() and answer, then both used, then %profviz.
        nb = run_notebook(os.path.join(HERE, "magic.ipynb"), self.env, self.tmp.name)
        saved = os.path.join(self.tmp.name, "kept.prof")
        for c in nb.cells:
            self.assertEqual(failure(c), "", c.source)
        report = ('<!DOCTYPE html><html><head><title>fake "report" & co</title></head>'
                  '<body><p id="r">profiled: %s</p><script>document.getElementById("r").textContent += " (script ran)";</script>'
                  '</body></html>')
        frames = frames_of(html_of(nb.cells[2]))
        self.assertEqual(len(frames), 1)
        self.assertEqual(frames[0]["srcdoc"], report % "helper,work")
        self.assertEqual(frames[0]["sandbox"].split()[0], "allow-scripts")
        self.assertNotIn("allow-same-origin", frames[0]["sandbox"])
        self.assertIn("height: 321px", frames[0]["style"])
        # Nothing of the report is markup of the notebook's page itself.
        self.assertNotIn("<script", html_of(nb.cells[2]))
        # The cell's names stayed in the namespace (as %%prun leaves them).
        stream = "".join(o.text for o in outputs(nb.cells[3], "stream"))
        self.assertEqual(stream.split(), [str(sum(i * i for i in range(20000)))] * 2)
        # -o kept the profile, which pstats reads.
        names = {fn for (_, _, fn) in pstats.Stats(saved).stats}
        self.assertTrue({"work", "helper"} <= names, names)
        # The line magic profiles its statement, default height.
        line = frames_of(html_of(nb.cells[4]))[0]
        self.assertEqual(line["srcdoc"], report % "helper")
        self.assertIn("height: 600px", line["style"])
        calls = open(self.log).read().splitlines()
        self.assertEqual(len(calls), 2)
        self.assertTrue(all(c.split()[4] == "--html" for c in calls), calls)

    def test_png_and_errors(self):
        nb = run_notebook([
            "%load_ext profviz",
            "%%profviz --png --depth 4 --width 640\nsum(range(100))",
            "%%profviz --depth 4\nsum(range(100))",
            "import os\nos.environ['PROFVIZ'] = '/nonexistent/profviz'",
            "%profviz sum(range(10))",
            "del os.environ['PROFVIZ']\nos.environ['PATH'] = '/nonexistent'",
            "%profviz sum(range(10))",
            "%%profviz --height 5\nran_anyway = True",
            "print('ran_anyway' in dir())",
        ], self.env, self.tmp.name)
        png = [o for o in outputs(nb.cells[1], "display_data") if "image/png" in o.data]
        self.assertEqual(len(png), 1, nb.cells[1].outputs)
        import base64
        self.assertEqual(base64.b64decode(png[0].data["image/png"]), b"\x89PNG fake")
        self.assertIn("--png", open(self.log).read())
        self.assertIn("--depth 4 --width 640", open(self.log).read())
        self.assertIn("--depth shapes the --png image", failure(nb.cells[2]))
        for k in (4, 6):
            self.assertIn("set it to the profviz binary" if k == 4 else "set PROFVIZ to its path",
                          failure(nb.cells[k]))
            self.assertEqual(outputs(nb.cells[k], "display_data"), [])
        self.assertIn("PROFVIZ=/nonexistent/profviz", failure(nb.cells[4]))
        # A bad option stops the cell before its code runs.
        self.assertIn("--height wants a number from 100 to 10000, not '5'", failure(nb.cells[7]))
        self.assertEqual(outputs(nb.cells[8], "stream")[0].text, "False\n")


class Real(unittest.TestCase):
    """The real binary: its PNG and its single-file report."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.env = {"PYTHONPATH": os.path.join(SRC, "python"), "PROFVIZ": PROFVIZ}

    def tearDown(self):
        self.tmp.cleanup()

    def test_png_is_the_real_chart(self):
        nb = run_notebook([
            "%load_ext profviz",
            "%%profviz --png --width 500\nimport json\njson.dumps([list(range(100))] * 100)",
        ], self.env, self.tmp.name)
        self.assertEqual(failure(nb.cells[1]), "")
        import base64
        import struct
        data = base64.b64decode(outputs(nb.cells[1], "display_data")[0].data["image/png"])
        self.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n")
        self.assertEqual(struct.unpack(">I", data[16:20])[0], 500)

    def test_report_is_the_real_single_file_report(self):
        nb = run_notebook([
            "%load_ext profviz",
            "%%profviz\nimport json\ndef encode_all():\n"
            "    return json.dumps([list(range(100))] * 100)\nencode_all()",
        ], self.env, self.tmp.name)
        self.assertEqual(failure(nb.cells[1]), "")
        frame = frames_of(html_of(nb.cells[1]))[0]
        doc = frame["srcdoc"]
        self.assertTrue(doc.lstrip().lower().startswith("<!doctype html"), doc[:200])
        # The report carries the profile (gzip'd JSON in base64, as
        # export/html.c writes it): the cell's function is in it.
        import base64
        import gzip
        import re
        m = re.search(r'<script type="application/json" id="report-data"[^>]*>([A-Za-z0-9+/=]*)</script>',
                      doc)
        self.assertIsNotNone(m, "no report data in the srcdoc")
        self.assertIn("encode_all", gzip.decompress(base64.b64decode(m.group(1))).decode("utf-8"))


def main():
    global MODE, SRC, PROFVIZ
    MODE, SRC = sys.argv[1], os.path.abspath(sys.argv[2])
    PROFVIZ = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None
    if not have_jupyter(sys.executable):
        # Debian's packages live in its own Python's path, not a pyenv's.
        if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != \
                os.path.realpath("/usr/bin/python3") and have_jupyter("/usr/bin/python3"):
            os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
        print("SKIP: nbclient, nbformat and ipykernel are missing "
              "(apt-get install python3-nbclient python3-nbformat python3-ipykernel)")
        sys.exit(SKIP)
    suite = unittest.TestLoader().loadTestsFromTestCase(Fake if MODE == "fake" else Real)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun == len(result.skipped):
        sys.exit(SKIP)


if __name__ == "__main__":
    main()
