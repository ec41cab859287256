// A recording stand-in for CanvasRenderingContext2D, for the render tests:
// what was filled, stroked and written, with the style, alpha and
// transform in force.  Not a test file itself (meson lists *.test.js only).
//
// Text is measured as `charWidth` pixels per character (code point), so a
// test can tell a label's width without a font.

export const CHAR_WIDTH = 7;

export function measureText(text) {
  return [...text].length * CHAR_WIDTH;
}

// A canvas element: what sizeCanvas and hatchPattern use of one.
export function fakeCanvas(width = 300, height = 150) {
  const canvas = {
    width,
    height,
    style: {},
    ownerDocument: { createElement: (tag) => (tag === 'canvas' ? fakeCanvas() : null) },
    ctx: null,
    getContext(kind) {
      if (kind !== '2d') return null;
      if (canvas.ctx === null) canvas.ctx = new FakeContext(canvas);
      return canvas.ctx;
    },
  };
  return canvas;
}

export function fakeContext(width = 800, height = 600) {
  return fakeCanvas(width, height).getContext('2d');
}

const STATE = ['fillStyle', 'strokeStyle', 'globalAlpha', 'lineWidth', 'textAlign', 'textBaseline', 'font', 'dash', 'transform'];

class FakeContext {
  constructor(canvas) {
    this.canvas = canvas;
    this.ops = [];       // { op: 'fill' | 'stroke' | 'fillRect' | 'fillText', ... }
    this.measured = [];  // every string measureText was asked for
    this.fontSets = 0;
    this.saves = 0;
    this.path = [];
    this.stack = [];
    this.fillStyle = '#000000';
    this.strokeStyle = '#000000';
    this.globalAlpha = 1;
    this.lineWidth = 1;
    this.textAlign = 'start';
    this.textBaseline = 'alphabetic';
    this.fontValue = '10px sans-serif';
    this.dash = [];
    this.transform = [1, 0, 0, 1, 0, 0];
  }

  get font() { return this.fontValue; }

  set font(value) {
    this.fontSets++;
    this.fontValue = value;
  }

  save() {
    this.saves++;
    this.stack.push(Object.fromEntries(STATE.map((k) => [k, this[k]])));
  }

  restore() {
    Object.assign(this, this.stack.pop());
  }

  setTransform(a, b, c, d, e, f) { this.transform = [a, b, c, d, e, f]; }

  getTransform() {
    const [a, b, c, d, e, f] = this.transform;
    return { a, b, c, d, e, f };
  }

  // this.transform times the matrix [a b c d e f].
  multiply(a, b, c, d, e, f) {
    const [A, B, C, D, E, F] = this.transform;
    this.transform = [A * a + C * b, B * a + D * b, A * c + C * d, B * c + D * d, A * e + C * f + E, B * e + D * f + F];
  }

  translate(x, y) { this.multiply(1, 0, 0, 1, x, y); }

  scale(x, y) { this.multiply(x, 0, 0, y, 0, 0); }

  rotate(angle) { this.multiply(Math.cos(angle), Math.sin(angle), -Math.sin(angle), Math.cos(angle), 0, 0); }

  setLineDash(dash) { this.dash = [...dash]; }

  beginPath() { this.path = []; }

  rect(x, y, w, h) { this.path.push({ kind: 'rect', x, y, w, h }); }

  moveTo(x, y) { this.path.push({ kind: 'move', x, y }); }

  lineTo(x, y) { this.path.push({ kind: 'line', x, y }); }

  arc(cx, cy, r, a0, a1, ccw = false) { this.path.push({ kind: 'arc', cx, cy, r, a0, a1, ccw }); }

  closePath() { this.path.push({ kind: 'close' }); }

  fill(rule = 'nonzero') {
    this.ops.push({ op: 'fill', rule, style: this.fillStyle, alpha: this.globalAlpha, path: this.path, transform: this.transform });
  }

  stroke() {
    this.ops.push({
      op: 'stroke', style: this.strokeStyle, width: this.lineWidth, dash: this.dash, alpha: this.globalAlpha, path: this.path,
    });
  }

  fillRect(x, y, w, h) { this.ops.push({ op: 'fillRect', style: this.fillStyle, alpha: this.globalAlpha, x, y, w, h }); }

  fillText(text, x, y) {
    this.ops.push({
      op: 'fillText', text, x, y, style: this.fillStyle, alpha: this.globalAlpha, align: this.textAlign,
      baseline: this.textBaseline, font: this.font, transform: this.transform,
    });
  }

  measureText(text) {
    this.measured.push(text);
    return { width: measureText(text) };
  }

  createPattern(image, repetition) {
    return {
      image, repetition, matrix: null, setTransform(m) { this.matrix = m; },
    };
  }
}
