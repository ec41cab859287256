"""profviz in notebooks: profile a cell and see its chart inline.

    %load_ext profviz

    %%profviz [--height PX] [-o FILE] [--png [--depth N] [--width PX]]
    ...the cell's code...

    %profviz [options] statement

The code runs under cProfile in the notebook's namespace, as %%prun runs
it (names it defines stay defined).  Its profile is then turned into
profviz's single-file report (`profviz export --html`, into a store in a
temporary directory: no server) and shown in an <iframe srcdoc>, so the
report's script runs in its own sandboxed document, apart from the
notebook's page, in JupyterLab, the classic Notebook and VS Code alike.
With --png the output is the icicle chart as a static image instead
(`profviz export --png`), which renderers that drop HTML, such as
GitHub's, still show.  -o FILE keeps the profile (a pstats dump).

The binary is $PROFVIZ when set, else `profviz` on PATH.
"""
import cProfile
import html
import os
import shutil
import subprocess
import tempfile

__all__ = ["load_ipython_extension", "find_binary", "report_iframe"]

DEFAULT_HEIGHT = 600

# How long an export may take: a report of a huge profile takes seconds;
# a hung binary should not hang the notebook.
EXPORT_TIMEOUT_S = 300


class ProfvizError(Exception):
    """What went wrong, in words for the notebook's user."""


def find_binary():
    """The profviz binary: $PROFVIZ, else `profviz` on PATH."""
    env = os.environ.get("PROFVIZ")
    if env:
        if not (os.path.isfile(env) and os.access(env, os.X_OK)):
            raise ProfvizError("PROFVIZ=%s is not an executable file: set it to the "
                               "profviz binary (e.g. %%env PROFVIZ=/path/to/build/cli/profviz)"
                               % env)
        return env
    found = shutil.which("profviz")
    if found:
        return found
    raise ProfvizError("no profviz binary: set PROFVIZ to its path (e.g. "
                       "%env PROFVIZ=/path/to/build/cli/profviz) or put profviz on PATH")


def export(prof_path, kind, out_path, extra=()):
    """`profviz export PROF --KIND OUT` into a store of its own next to OUT."""
    binary = find_binary()
    db = os.path.join(os.path.dirname(out_path), "store.db")
    cmd = [binary, "export", "--db", db, prof_path, "--" + kind, out_path, *extra]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=EXPORT_TIMEOUT_S)
    except OSError as e:
        raise ProfvizError("cannot run %s: %s" % (binary, e)) from None
    except subprocess.TimeoutExpired:
        raise ProfvizError("profviz export took more than %d s" % EXPORT_TIMEOUT_S) from None
    if r.returncode != 0:
        raise ProfvizError((r.stderr or r.stdout).strip() or
                           "profviz export failed (exit status %d)" % r.returncode)


def report_iframe(report_html, height=DEFAULT_HEIGHT):
    """The report as an <iframe srcdoc>: the whole document, HTML-escaped
    into the attribute, and sandboxed: its script runs, but in an origin
    of its own, with no access to the notebook's page."""
    return ('<iframe srcdoc="%s" sandbox="allow-scripts allow-popups allow-downloads" '
            'style="width: 100%%; height: %dpx; border: 1px solid #ddd" '
            'title="profviz report"></iframe>' % (html.escape(report_html, quote=True), height))


def _number(text, what, low, high):
    try:
        v = int(text)
    except ValueError:
        v = None
    if v is None or not low <= v <= high:
        raise ProfvizError("%s wants a number from %d to %d, not %r" % (what, low, high, text))
    return v


def _show(prof_path, opts, height):
    """The display bundle of profile prof_path as opts ask."""
    with tempfile.TemporaryDirectory(prefix="profviz-") as tmp:
        if "png" in opts:
            out = os.path.join(tmp, "chart.png")
            extra = []
            for key in ("depth", "width"):
                if key in opts:
                    extra += ["--" + key, opts[key]]
            export(prof_path, "png", out, extra)
            with open(out, "rb") as f:
                return {"image/png": f.read(), "text/plain": "<profviz icicle chart>"}
        out = os.path.join(tmp, "report.html")
        export(prof_path, "html", out)
        with open(out, encoding="utf-8") as f:
            report = f.read()
    return {"text/html": report_iframe(report, height),
            "text/plain": "<profviz report: open this notebook in Jupyter or VS Code to see it>"}


def _load():
    """The magics class, defined once IPython is there to define it."""
    from IPython.core.error import UsageError
    from IPython.core.magic import Magics, line_cell_magic, magics_class
    from IPython.display import display

    @magics_class
    class ProfvizMagics(Magics):
        @line_cell_magic
        def profviz(self, line, cell=None):
            """Profile a statement (%profviz) or the cell (%%profviz) with
            cProfile, in the notebook's namespace, and show its profviz
            report inline.

            Options: --height PX (the report's height, default 600),
            -o FILE (keep the profile, a pstats dump), --png (the icicle
            as an image instead, with --depth N and --width PX).
            """
            opts, stmt = self.parse_options(line, "o:", "height=", "depth=", "width=", "png",
                                            posix=False, strict=False)
            if cell is not None:
                code = self.shell.transform_cell(cell)
            else:
                code = stmt
            if not code.strip():
                raise UsageError("%profviz wants a statement to profile, or use %%profviz on a cell")
            for key in ("depth", "width"):
                if key in opts and "png" not in opts:
                    raise UsageError("--%s shapes the --png image; the report has its own controls"
                                     % key)
            # Options are checked before the code runs, not after a long run.
            try:
                height = _number(opts.get("height", str(DEFAULT_HEIGHT)), "--height", 100, 10000)
            except ProfvizError as e:
                raise UsageError("profviz: %s" % e) from None
            ns = self.shell.user_ns
            prof = cProfile.Profile()
            try:
                prof.runctx(code, ns, ns)
            except SystemExit:
                pass
            with tempfile.TemporaryDirectory(prefix="profviz-") as tmp:
                prof_path = opts.get("o") or os.path.join(tmp, "cell.prof")
                prof.dump_stats(prof_path)
                try:
                    bundle = _show(prof_path, dict(opts), height)
                except ProfvizError as e:
                    raise UsageError("profviz: %s" % e) from None
            display(bundle, raw=True)

    return ProfvizMagics


def load_ipython_extension(ipython):
    """`%load_ext profviz`: registers %profviz and %%profviz."""
    ipython.register_magics(_load())
