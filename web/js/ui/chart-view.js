// The chart: a canvas showing the store's tree as an icicle or a sunburst
// from the zoom root down `depth` levels, with the mouse and the keyboard
// turned into state changes (hover, focus, zoom, chart style).
//
// What it keeps to itself is only what a frame needs: the layout of the
// current picture (recomputed when the tree, root, depth, chart or size
// change, never per frame), the colours of the tree's boxes, and a zoom
// animation in progress (layout/zoom.js: one layout, a moving window).
// Everything a user changes goes through the store.
//
// The canvas says what it shows in data- attributes (state, root, view,
// boxes, row height): the browser tests and the benchmark read them, and
// they cost nothing.

import { layoutIcicle, hitTest as hitIcicle } from '../layout/icicle.js';
import { layoutSunburst, hitTest as hitSunburst } from '../layout/sunburst.js';
import {
  IDENTITY, ZOOM_MS, commonAncestor, ease, icicleViewport, lerpWindow, sunburstTransform, windowOf,
} from '../layout/zoom.js';
import { treeColors } from '../colors.js';
import { SMALLER } from '../model/tree.js';
import { paintIcicle } from '../render/icicle-paint.js';
import { paintSunburst } from '../render/sunburst-paint.js';
import { FOCUS, HOVER_SAME, MATCH } from '../render/marks.js';
import { frameScheduler, sizeCanvas } from '../render/canvas.js';

export const ROW_HEIGHT = 20;
// The cutoff one step finer (state/url-state.js's CUTOFFS).
const LOWER_CUTOFF = new Map([[0.01, 0.001], [0.001, 0]]);
const FONT = '12px system-ui, sans-serif';
// The sunburst's largest diameter: beyond it rings only get wider.
const MAX_DISC = 760;

export function createChartView(canvas, { store, zoom }) {
  let picture = null;     // { key, tree, top, rects, arcs, width, height, ... } of the last layout
  let animation = null;   // { from, to, start, top, maxDepth } while zooming
  let colors = null;      // palette index per node of colorsFor
  let colorsFor = null;
  let marks = null;
  let marksKey = null;
  const schedule = frameScheduler(draw);

  function rootNode(state) {
    return state.tree ? state.tree.findPath(state.root) : -1;
  }

  // Levels shown below `top`: `rows`, or fewer when the tree below it is
  // shallower, so that the icicle leaves no empty band and the sunburst's
  // rings fill its disc.
  let deepest = { tree: null, top: -1, levels: 0 };
  function size(state, top, rows) {
    const width = Math.max(200, canvas.parentElement.clientWidth);
    const tree = state.tree;
    if (deepest.tree !== tree || deepest.top !== top) {
      let levels = 0;
      for (let i = top; i < tree.end[top]; i++) levels = Math.max(levels, tree.depth[i] - tree.depth[top]);
      deepest = { tree, top, levels };
    }
    const levels = Math.min(rows, deepest.levels);
    if (state.view === 'sunburst') return { width, height: Math.min(width, MAX_DISC), levels };
    return { width, height: (levels + 1) * ROW_HEIGHT, levels };
  }

  function sunburstViewport(pic) {
    return { cx: pic.width / 2, cy: pic.height / 2, ringWidth: Math.min(pic.width, pic.height) / 2 / (pic.levels + 1) };
  }

  // The layout for a picture rooted at `top`, `rows` deep, for a window
  // down to `span` of the full width (so boxes that grow past a pixel
  // during a zoom are not culled).
  function layout(state, tree, top, rows, span, dims) {
    if (state.view === 'sunburst') {
      const outer = Math.min(dims.width, dims.height) / 2;
      return { arcs: layoutSunburst(tree, top, { maxDepth: rows, minAngle: (span * 0.5) / outer }) };
    }
    return { rects: layoutIcicle(tree, top, { maxDepth: rows, minWidth: (span * 0.5) / dims.width }) };
  }

  function currentPicture(state) {
    const tree = state.tree;
    const top = animation ? tree?.findPath(animation.topPath) ?? -1 : rootNode(state);
    if (!tree || top < 0) return null;
    const rows = animation ? animation.maxDepth : state.depth;
    // Sized for the view being zoomed to, so the canvas keeps its height
    // through the animation.
    const to = rootNode(state);
    const dims = size(state, to >= 0 ? to : top, state.depth);
    const span = animation ? animation.span : 1;
    const key = [tree, top, rows, span, state.view, dims.width, dims.height, dims.levels];
    if (picture && picture.key.every((v, i) => v === key[i])) return picture;
    picture = { key, tree, ...dims, ...layout(state, tree, top, rows, span, dims) };
    return picture;
  }

  function marksFor(state, tree) {
    const key = [tree, state.hover, state.focus, state.matches];
    if (marks && marksKey.every((v, i) => v === key[i])) return marks;
    marks = new Uint8Array(tree.size);
    if (state.matches && state.matches.length === tree.size) {
      for (let i = 0; i < tree.size; i++) if (state.matches[i]) marks[i] |= MATCH;
    }
    const hovered = state.hover ?? -1;
    if (hovered >= 0 && hovered < tree.size && tree.fid[hovered] >= 0) {
      const fid = tree.fid[hovered];
      for (let i = 0; i < tree.size; i++) if (tree.fid[i] === fid) marks[i] |= HOVER_SAME;
    }
    if (state.focus !== null && state.focus < tree.size) marks[state.focus] |= FOCUS;
    marksKey = key;
    return marks;
  }

  function draw(now) {
    const state = store.get();
    if (animation && now - animation.start >= ZOOM_MS) animation = null;
    const pic = currentPicture(state);
    canvas.dataset.view = state.view;
    canvas.dataset.root = state.root.join(',');
    canvas.dataset.rowHeight = String(ROW_HEIGHT);
    if (!pic) {
      canvas.dataset.state = 'loading';
      return;
    }
    const ctx = sizeCanvas(canvas, pic.width, pic.height, globalThis.devicePixelRatio || 1);
    const win = animation ? lerpWindow(animation.from, animation.to, ease((now - animation.start) / ZOOM_MS)) : IDENTITY;
    const scene = sceneOf(state, pic, win);
    canvas.dataset.boxes = String(scene.kind === 'icicle' ? paintIcicle(ctx, scene) : paintSunburst(ctx, scene));
    if (animation) {
      canvas.dataset.state = 'loading';
      schedule();
    } else {
      canvas.dataset.state = state.treeState === 'ready' && rootNode(state) >= 0 ? 'ready' : 'loading';
    }
  }

  // What the painters (and render/svg.js) draw: picture `pic` seen through
  // window `win`.
  function sceneOf(state, pic, win) {
    if (colorsFor !== pic.tree) {
      colors = treeColors(pic.tree);
      colorsFor = pic.tree;
    }
    const base = {
      tree: pic.tree, width: pic.width, height: pic.height, colors, theme: state.theme, font: FONT,
      marks: marksFor(state, pic.tree), searching: state.search !== '',
    };
    return pic.rects
      ? { kind: 'icicle', ...base, rects: pic.rects, viewport: icicleViewport(win, pic.width, ROW_HEIGHT) }
      : { kind: 'sunburst', ...base, arcs: pic.arcs, transform: sunburstTransform(win), viewport: sunburstViewport(pic) };
  }

  // Starts the animation from the picture rooted at node `from` to the one
  // rooted at `to` (both nodes of `tree`), when both boxes can be shown.
  function animateZoom(state, tree, from, to) {
    const top = commonAncestor(tree, from, to);
    const below = Math.max(tree.depth[from], tree.depth[to]) - tree.depth[top];
    const maxDepth = state.depth + below;
    const dims = size(state, to, state.depth);
    const wide = layout(state, tree, top, maxDepth, 1, dims);
    const w0 = from === top ? IDENTITY : windowOf(wide.rects ?? wide.arcs, from);
    const w1 = to === top ? IDENTITY : windowOf(wide.rects ?? wide.arcs, to);
    if (!w0 || !w1 || globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches) return;
    // The top box by its path, not its node index: the tree may be
    // replaced (a deeper view grafted in) while the animation runs.
    animation = {
      from: w0, to: w1, topPath: tree.pathTo(top), maxDepth, span: Math.min(w0.b - w0.a, w1.b - w1.a),
      start: performance.now(),
    };
  }

  // The node under the pointer, in the store's tree: the picture of that
  // tree, not the last one drawn, which may show a tree just replaced (its
  // node numbers mean other boxes in the new one).
  function hit(event) {
    if (animation) return -1;
    const pic = currentPicture(store.get());
    if (!pic) return -1;
    const r = canvas.getBoundingClientRect();
    const x = event.clientX - r.left;
    const y = event.clientY - r.top;
    const k = pic.rects
      ? hitIcicle(pic.rects, x, y, icicleViewport(IDENTITY, pic.width, ROW_HEIGHT))
      : hitSunburst(pic.arcs, x, y, sunburstViewport(pic));
    return k < 0 ? -1 : (pic.rects ?? pic.arcs).node[k];
  }

  // What clicking (or Enter on) node n does: zoom into it, out of the
  // view root, or, on a "(N smaller)" box, lower the cutoff so that the
  // boxes it stands for are drawn.
  function zoomInto(n) {
    const state = store.get();
    const tree = state.tree;
    if (n === rootNode(state)) {
      if (state.root.length > 0) zoom(state.root.slice(0, -1));
      return;
    }
    if (tree.has(n, SMALLER)) {
      const lower = LOWER_CUTOFF.get(state.cutoff);
      if (lower !== undefined) store.set({ cutoff: lower });
      return;
    }
    const path = tree.pathTo(n);
    if (path !== null) zoom(path);
  }

  canvas.addEventListener('mousemove', (e) => {
    const n = hit(e);
    store.set({ hover: n < 0 ? null : n, pointer: n < 0 ? null : { x: e.clientX, y: e.clientY } });
    const inert = n < 0 || (store.get().tree.has(n, SMALLER) && !LOWER_CUTOFF.has(store.get().cutoff));
    canvas.style.cursor = inert ? '' : 'pointer';
  });
  canvas.addEventListener('mouseleave', () => store.set({ hover: null, pointer: null }));
  canvas.addEventListener('click', (e) => {
    const n = hit(e);
    if (n >= 0) {
      store.set({ focus: n });
      zoomInto(n);
    }
  });

  // Arrow keys walk the boxes drawn; the focus starts at the zoom root.
  canvas.addEventListener('keydown', (e) => {
    const state = store.get();
    const tree = state.tree;
    if (!tree || e.altKey || e.ctrlKey || e.metaKey) return;
    const top = rootNode(state);
    const at = state.focus !== null && state.focus < tree.size ? state.focus : top;
    const pic = currentPicture(state);
    const shown = (n) => n >= 0 && pic !== null && (pic.rects ?? pic.arcs).node.includes(n);
    let next = null;
    switch (e.key) {
      case 'ArrowDown': next = tree.end[at] > at + 1 ? at + 1 : null; break;
      case 'ArrowUp': next = at !== top ? tree.parent[at] : null; break;
      case 'ArrowLeft': case 'ArrowRight': {
        if (at === top) break;
        const sibs = tree.children(tree.parent[at]);
        const i = sibs.indexOf(at) + (e.key === 'ArrowLeft' ? -1 : 1);
        next = i >= 0 && i < sibs.length ? sibs[i] : null;
        break;
      }
      case 'Enter': zoomInto(at); break;
      case 'Backspace': case 'Escape':
        if (state.root.length > 0) zoom(state.root.slice(0, -1));
        break;
      case 'i': store.set({ view: 'icicle' }); break;
      case 's': store.set({ view: 'sunburst' }); break;
      default: return;
    }
    e.preventDefault();
    if (next !== null && shown(next)) store.set({ focus: next });
  });

  store.subscribe((state, prev) => {
    if (state.tree !== prev.tree) store.set({ hover: null, focus: null });
    if (state.root !== prev.root && state.tree && prev.tree === state.tree) {
      const from = prev.tree.findPath(prev.root);
      const to = state.tree.findPath(state.root);
      if (from >= 0 && to >= 0 && from !== to) animateZoom(state, state.tree, from, to);
    }
    if (state.view !== prev.view) animation = null;
    schedule();
  });
  new ResizeObserver(() => schedule()).observe(canvas.parentElement);
  schedule();

  return {
    // The picture at rest, for exports (render/svg.js takes the same scene).
    scene() {
      const state = store.get();
      const pic = currentPicture(state);
      return pic ? sceneOf(state, pic, IDENTITY) : null;
    },
  };
}
