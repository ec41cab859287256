"""`profviz export --svg / --png`, checked as a user's tools read the files.

Usage: test_export_images.py PROFVIZ DATA_DIR
- the SVG parses as XML (xml.etree), has a box per drawn function with its
  <title>, and names from the profile (markup, quotes, controls, bytes that
  are no UTF-8) arrive as text, never as elements;
- the PNG decodes with zlib and struct alone: signature, IHDR size, every
  chunk's CRC-32, and the pixels of a box the SVG places are its colour;
- --width, --depth and --path (ids or the page's URL) shape both.
"""
import marshal
import os
import re
import struct
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
import zlib

PROFVIZ = DATA = None
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "</text><script>alert(1)</script>&amp;\"'\x01"


def run(*args, check=True):
    r = subprocess.run([PROFVIZ, *args], capture_output=True)
    if check and r.returncode != 0:
        raise AssertionError("profviz %s: %d\n%s" % (" ".join(args), r.returncode, r.stderr.decode()))
    return r


def hostile_prof(path):
    """A pstats dump whose names are markup, with a control character and
    a file name holding a byte that is no UTF-8 (kept as U+DC80+byte)."""
    main = ("/srv/app/m\udcffain.py", 1, HOSTILE)
    leaf = ("/srv/app/<b>.py", 2, "leaf\"&'")
    stats = {
        main: (1, 1, 0.5, 1.5, {}),
        leaf: (2, 2, 1.0, 1.0, {main: (2, 2, 1.0, 1.0)}),
    }
    with open(path, "wb") as f:
        marshal.dump(stats, f)


def boxes(svg_root):
    """(title, rect attributes) of every box group of the chart."""
    out = []
    for g in svg_root.iter(SVG + "g"):
        title = g.find(SVG + "title")
        rect = g.find(SVG + "rect")
        if title is not None and rect is not None:
            out.append((title.text, rect.attrib))
    return out


def png_decode(data):
    """(width, height, rows of (r, g, b) tuples), checking every CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    pos, idat, chunks = 8, b"", []
    while pos < len(data):
        length, = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, "bad CRC in %r" % kind
        chunks.append(kind)
        if kind == b"IHDR":
            w, h, depth, ctype, comp, filt, inter = struct.unpack(">IIBBBBB", body)
            assert (depth, ctype, comp, filt, inter) == (8, 2, 0, 0, 0)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND", chunks
    raw = zlib.decompress(idat)
    stride = w * 3
    assert len(raw) == h * (stride + 1)
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            else:
                assert f == 0, f
        rows.append([tuple(line[i:i + 3]) for i in range(0, stride, 3)])
        prev = line
    return w, h, rows


class ExportImages(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.tmp.name, "s.db")
        self.prof = os.path.join(DATA, "pstats", "real_pydoc.prof")

    def tearDown(self):
        self.tmp.cleanup()

    def out(self, name):
        return os.path.join(self.tmp.name, name)

    def export(self, *args, prof=None):
        return run("export", "--db", self.db, prof or self.prof, *args)

    def test_svg_is_xml_with_a_titled_box_per_function(self):
        self.export("--svg", self.out("a.svg"))
        root = ET.parse(self.out("a.svg")).getroot()
        self.assertEqual(root.tag, SVG + "svg")
        self.assertEqual(root.get("width"), "1200")
        found = boxes(root)
        self.assertGreater(len(found), 20)
        self.assertTrue(found[0][0].startswith("(all)\n"), found[0][0])
        self.assertEqual(float(found[0][1]["width"]), 1199)
        # Each box says its name, file:line (functions of Python files) and time.
        titles = [t for t, _ in found]
        placed = [t for t in titles if re.fullmatch(r"[^\n]+\n[^\n]+\.py:\d+\n[\d.]+ [µm]?s( \(estimated\))?", t)]
        self.assertGreater(len(placed), 10, titles[:5])
        texts = [t.text for t in root.iter(SVG + "text")]
        self.assertIn("real_pydoc.prof", texts[0])
        self.assertTrue(any(t.endswith("\u2026") for t in texts), "no label was cut")
        # Estimates are hatched, as on the page.
        self.assertIsNotNone(root.find(".//%spattern[@id='hatch']" % SVG))
        hatched = [g for g in root.iter(SVG + "g")
                   if any(r.get("fill") == "url(#hatch)" for r in g.findall(SVG + "rect"))]
        self.assertTrue(hatched)
        for g in hatched:
            if g.find(SVG + "title") is not None:
                self.assertIn("(estimated)", g.find(SVG + "title").text)

    def test_hostile_names_arrive_as_text(self):
        prof = self.out("hostile.prof")
        hostile_prof(prof)
        self.export("--svg", self.out("h.svg"), "--png", self.out("h.png"), prof=prof)
        raw = open(self.out("h.svg"), "rb").read()
        self.assertNotIn(b"<script", raw)
        root = ET.fromstring(raw)
        self.assertEqual(list(root.iter(SVG + "script")), [])
        titles = [t for t, _ in boxes(root)]
        want = HOSTILE.replace("\x01", "\ufffd")
        main = [t for t in titles if t.startswith(want + "\n")]
        self.assertEqual(len(main), 1, titles)
        # The byte that was no UTF-8 reads as U+FFFD, the rest of the name intact.
        self.assertIn("/srv/app/m\ufffdain.py:1", main[0])
        self.assertTrue(any(t.startswith("leaf\"&'\n/srv/app/<b>.py:2") for t in titles), titles)
        png_decode(open(self.out("h.png"), "rb").read())

    def test_png_decodes_and_boxes_have_their_colours(self):
        self.export("--png", self.out("a.png"), "--svg", self.out("a.svg"), "--width", "900",
                    "--depth", "4")
        w, h, rows = png_decode(open(self.out("a.png"), "rb").read())
        root = ET.parse(self.out("a.svg")).getroot()
        self.assertEqual((w, h), (900, int(root.get("height"))))
        checked = 0
        for title, rect in boxes(root):
            x, y = float(rect["x"]), float(rect["y"])
            bw = float(rect["width"])
            if bw < 6 or "(estimated)" in title:
                continue
            fill = rect["fill"]
            want = tuple(int(fill[i:i + 2], 16) for i in (1, 3, 5))
            # The box's top row of pixels, left of any label's end: no text there.
            px = int(round(x + bw)) - 2
            self.assertEqual(rows[int(round(y))][px], want, title)
            self.assertEqual(rows[int(round(y)) + 1][px], want, title)
            checked += 1
        self.assertGreater(checked, 5)
        # The gap under row 0 is background.
        self.assertEqual(rows[22 + 15][10], (255, 255, 255))
        # Some text was drawn: dark pixels in the header line.
        self.assertTrue(any(p == (0x1b, 0x1b, 0x1b) for p in rows[8]))

    def test_depth_width_and_path_shape_the_chart(self):
        self.export("--svg", self.out("d2.svg"), "--depth", "2", "--width", "300")
        root = ET.parse(self.out("d2.svg")).getroot()
        self.assertEqual(root.get("width"), "300")
        ys = {float(r["y"]) for _, r in boxes(root)}
        self.assertEqual(len(ys), 3)
        # A function as the root of the view, by id and by the page's URL:
        # the same picture.  The hostile profile's functions are 0 (the
        # top) and 1 (called by 0), in the dump's order.
        prof = self.out("hostile.prof")
        hostile_prof(prof)
        self.export("--svg", self.out("p1.svg"), "--path", "0,1", prof=prof)
        self.export("--svg", self.out("p2.svg"), "--path",
                    "http://127.0.0.1:8000/p/2?v=1&root=0,1&depth=10", prof=prof)
        a, b = open(self.out("p1.svg"), "rb").read(), open(self.out("p2.svg"), "rb").read()
        self.assertEqual(a, b)
        found = boxes(ET.fromstring(a))
        self.assertEqual(len(found), 1)
        self.assertTrue(found[0][0].startswith("leaf"), found)
        self.assertIn(b"view: (all) &gt; &lt;/text&gt;&lt;script&gt;", a)
        # The URL's depth, unless --depth says otherwise.
        self.export("--svg", self.out("p3.svg"), "--path", "?root=0&depth=3", prof=prof)
        self.assertEqual(len(boxes(ET.parse(self.out("p3.svg")).getroot())), 2)
        bad = run("export", "--db", self.db, self.prof, "--png", self.out("bad.png"),
                  "--path", "999999", check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn(b"--path", bad.stderr)
        self.assertFalse(os.path.exists(self.out("bad.png")))

    def test_png_to_standard_output(self):
        r = self.export("--png", "-", "--width", "200")
        w, h, _ = png_decode(r.stdout)
        self.assertEqual(w, 200)


if __name__ == "__main__":
    PROFVIZ, DATA = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
