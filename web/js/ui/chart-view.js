// The chart: a canvas showing the store's tree as an icicle or a sunburst
// from the zoom root down `depth` levels, with the mouse and the keyboard
// turned into state changes (hover, focus, zoom, chart style).
//
// What it keeps to itself is only what a frame needs: the layout of the
// current picture (recomputed when the tree, root, depth, chart or size
// change, never per frame), the colours of the view's boxes, and a zoom
// animation in progress (layout/zoom.js: one layout, a moving window).
// Everything a user changes goes through the store; what the picture at
// rest shows (its packages and hues, how much of its time is exact) goes
// there too, as `drawn`, for the legend.
//
// The chart is as large as the window lets it be (layout/fit.js): rows
// share the height below the chart's top, the sunburst's disc fits it.
//
// The canvas says what it shows in data- attributes (state, root, view,
// tree: the API's view asked for, boxes, row height or ring width): the browser tests and the benchmark
// read them, and they cost nothing.
//
// Options for the sandwich's upper half (ui/sandwich-view.js): `flip` draws
// the icicle upside-down, its root at the bottom (callers above the
// function, as speedscope's sandwich); `heightShare` is the part of the
// window's room it takes; `ownKeys` makes its shortcuts work only while its
// canvas has the focus, so that the page's chart keeps the others.

import { hitBand as hitIcicleBand, hitTest as hitIcicle, layoutIcicle } from '../layout/icicle.js';
import { hitBand as hitSunburstBand, hitTest as hitSunburst, layoutSunburst } from '../layout/sunburst.js';
import { availableHeight, chartSize } from '../layout/fit.js';
import { nextBox } from '../layout/navigate.js';
import {
  IDENTITY, ZOOM_MS, commonAncestor, ease, icicleViewport, lerpWindow, sunburstTransform, windowOf,
} from '../layout/zoom.js';
import { viewColors } from '../layout/packages.js';
import { BASE_NONE, SMALLER } from '../model/tree.js';
import { paintIcicle } from '../render/icicle-paint.js';
import { paintSunburst } from '../render/sunburst-paint.js';
import { sharedStartsOf } from '../render/labels.js';
import { exactTime } from '../render/legend.js';
import { markBoxes } from '../render/marks.js';
import { frameScheduler, sizeCanvas } from '../render/canvas.js';
import { finerCutoff } from '../state/url-state.js';
import { treeQuery } from '../state/tree-query.js';
import { shortcutScope } from './keys.js';

const FONT = '12px system-ui, sans-serif';

export function createChartView(canvas, { store, zoom, flip = false, heightShare = 1, ownKeys = false }) {
  let picture = null;     // { key, tree, top, rects | arcs, width, height, levels, rowHeight | ringWidth, colors, shared }
  let animation = null;   // { from, to, start, topPath, maxDepth, span } while zooming
  let colorsKey = null;   // [tree, root node, levels, grouping] of `colors`
  let colors = null;
  let marks = null;
  let marksKey = null;
  const schedule = frameScheduler(draw);

  function rootNode(state) {
    return state.tree ? state.tree.findPath(state.root) : -1;
  }

  // The size of the picture of the view rooted at node `top`: levels shown
  // below it are `depth`, or fewer when the tree below it is shallower, so
  // that the icicle leaves no empty band and the sunburst's rings fill its
  // disc; the rest follows from the room the window leaves (layout/fit.js).
  let deepest = { tree: null, top: -1, levels: 0 };
  function size(state, top) {
    const width = Math.max(200, canvas.parentElement.clientWidth);
    const tree = state.tree;
    if (deepest.tree !== tree || deepest.top !== top) {
      let levels = 0;
      for (let i = top; i < tree.end[top]; i++) levels = Math.max(levels, tree.depth[i] - tree.depth[top]);
      deepest = { tree, top, levels };
    }
    const levels = Math.min(state.depth, deepest.levels);
    const chartTop = canvas.parentElement.getBoundingClientRect().top + window.scrollY;
    const room = Math.floor(availableHeight(window.innerHeight, chartTop) * heightShare);
    return { levels, ...chartSize(state.view, width, room, levels) };
  }

  function sunburstViewport(pic) {
    return { cx: pic.width / 2, cy: pic.height / 2, ringWidth: pic.ringWidth };
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

  // The colours of the view being shown (or zoomed to): the same for every
  // frame of a zoom, so no box changes colour on the way.
  function colorsOf(tree, at, levels, group) {
    if (!colorsKey || colorsKey[0] !== tree || colorsKey[1] !== at || colorsKey[2] !== levels || colorsKey[3] !== group) {
      colors = viewColors(tree, at, levels, { byPackage: group === 'package' });
      colorsKey = [tree, at, levels, group];
    }
    return colors;
  }

  function currentPicture(state) {
    const tree = state.tree;
    const top = animation ? tree?.findPath(animation.topPath) ?? -1 : rootNode(state);
    if (!tree || top < 0) return null;
    const rows = animation ? animation.maxDepth : state.depth;
    // Sized and coloured for the view being zoomed to, so the canvas keeps
    // its size through the animation.
    const to = rootNode(state) >= 0 ? rootNode(state) : top;
    const dims = size(state, to);
    const span = animation ? animation.span : 1;
    const key = [tree, top, rows, span, state.view, dims.width, dims.height, dims.levels, state.group];
    if (picture && picture.key.every((v, i) => v === key[i])) return picture;
    const shape = layout(state, tree, top, rows, span, dims);
    picture = {
      key, tree, top, ...dims, ...shape, colors: colorsOf(tree, to, dims.levels, state.group),
      shared: sharedStartsOf(tree, (shape.rects ?? shape.arcs).node),
    };
    return picture;
  }

  function marksFor(state, tree) {
    const key = [tree, state.hover, state.focus, state.matches];
    if (!marks || !marksKey.every((v, i) => v === key[i])) {
      marks = markBoxes(tree, state);
      marksKey = key;
    }
    return marks;
  }

  function draw(now) {
    const state = store.get();
    if (animation && now - animation.start >= ZOOM_MS) animation = null;
    const pic = currentPicture(state);
    canvas.dataset.view = state.view;
    canvas.dataset.tree = treeQuery(state).view;
    canvas.dataset.root = state.root.join(',');
    if (!pic) {
      canvas.dataset.state = 'loading';
      return;
    }
    if (pic.rects) {
      canvas.dataset.rowHeight = String(pic.rowHeight);
      delete canvas.dataset.ringWidth;
    } else {
      canvas.dataset.ringWidth = String(pic.ringWidth);
      delete canvas.dataset.rowHeight;
    }
    const ctx = sizeCanvas(canvas, pic.width, pic.height, globalThis.devicePixelRatio || 1);
    const win = animation ? lerpWindow(animation.from, animation.to, ease((now - animation.start) / ZOOM_MS)) : IDENTITY;
    const scene = sceneOf(state, pic, win);
    canvas.dataset.boxes = String(scene.kind === 'icicle' ? paintIcicle(ctx, scene) : paintSunburst(ctx, scene));
    if (animation) {
      canvas.dataset.state = 'loading';
      schedule();
      return;
    }
    canvas.dataset.state = state.treeState === 'ready' && rootNode(state) >= 0 ? 'ready' : 'loading';
    // The legend describes the picture at rest.
    if (state.drawn?.picture !== pic) {
      const nodes = (pic.rects ?? pic.arcs).node;
      store.set({ drawn: { picture: pic, packages: pic.colors.packages, time: exactTime(pic.tree, nodes) } });
    }
  }

  // What the painters (and render/svg.js) draw: picture `pic` seen through
  // window `win`.
  function sceneOf(state, pic, win) {
    const base = {
      tree: pic.tree, width: pic.width, height: pic.height, colors: pic.colors, shared: pic.shared, theme: state.theme, font: FONT, units: state.units,
      // Coloured by change once the tree holds the comparison (not while
      // the compared view is still on its way).
      compare: state.base !== null && pic.tree.baseState[0] !== BASE_NONE ? state.compare : null,
      marks: marksFor(state, pic.tree), searching: state.search !== '',
    };
    return pic.rects
      ? { kind: 'icicle', ...base, rects: pic.rects, viewport: icicleViewport(win, pic.width, pic.rowHeight), flip }
      : { kind: 'sunburst', ...base, arcs: pic.arcs, transform: sunburstTransform(win), viewport: sunburstViewport(pic) };
  }

  // Starts the animation from the picture rooted at node `from` to the one
  // rooted at `to` (both nodes of `tree`), when both boxes can be shown.
  function animateZoom(state, tree, from, to) {
    const top = commonAncestor(tree, from, to);
    const below = Math.max(tree.depth[from], tree.depth[to]) - tree.depth[top];
    const maxDepth = state.depth + below;
    const dims = size(state, to);
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

  // What is under the pointer, in the store's tree: { node } for a box,
  // { band } for a band (the layout's runs: index, with the picture), or
  // null.  The picture of the store's tree, not the last one drawn, which
  // may show a tree just replaced (its node numbers mean other boxes in the
  // new one).
  function hit(event) {
    if (animation) return null;
    const pic = currentPicture(store.get());
    if (!pic) return null;
    const r = canvas.getBoundingClientRect();
    const x = event.clientX - r.left;
    const y = flip && pic.rects ? pic.height - (event.clientY - r.top) : event.clientY - r.top;
    if (pic.rects) {
      const vp = icicleViewport(IDENTITY, pic.width, pic.rowHeight);
      const k = hitIcicle(pic.rects, x, y, vp);
      if (k >= 0) return { node: pic.rects.node[k] };
      const b = hitIcicleBand(pic.rects, x, y, vp);
      return b >= 0 ? { band: bandOf(pic, pic.rects.runs, b) } : null;
    }
    const vp = sunburstViewport(pic);
    const k = hitSunburst(pic.arcs, x, y, vp);
    if (k >= 0) return { node: pic.arcs.node[k] };
    const b = hitSunburstBand(pic.arcs, x, y, vp);
    return b >= 0 ? { band: bandOf(pic, pic.arcs.runs, b) } : null;
  }

  // A band as the hover panel describes it (layout/notes.js's bandNote).
  function bandOf(pic, runs, b) {
    const parent = runs.parent[b];
    return {
      kind: runs.kind[b], boxes: runs.boxes[b], time: runs.time[b], total: pic.tree.time[0],
      parent, zoomable: parent !== pic.top,
    };
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
      const finer = finerCutoff(state.cutoff);
      if (finer !== null) store.set({ cutoff: finer });
      return;
    }
    const path = tree.pathTo(n);
    if (path !== null) zoom(path);
  }

  // Whether a click on what `at` is under does anything (the pointer says).
  function clickable(at) {
    if (at === null) return false;
    if (at.band) return at.band.zoomable;
    return !(store.get().tree.has(at.node, SMALLER) && finerCutoff(store.get().cutoff) === null);
  }

  canvas.addEventListener('mousemove', (e) => {
    const at = hit(e);
    const pointer = at === null ? null : { x: e.clientX, y: e.clientY };
    store.set({ hover: at?.node ?? null, hoverBand: at?.band ?? null, pointer });
    canvas.style.cursor = clickable(at) ? 'pointer' : '';
  });
  canvas.addEventListener('mouseleave', () => store.set({ hover: null, hoverBand: null, pointer: null }));
  canvas.addEventListener('click', (e) => {
    const at = hit(e);
    if (at === null) return;
    if (at.band) {
      // A band zooms into the box it lies under, where its boxes are wider
      // (or, for what was not fetched, get fetched).
      if (at.band.zoomable) zoomInto(at.band.parent);
      return;
    }
    store.set({ focus: at.node });
    zoomInto(at.node);
  });

  // The shortcuts, from anywhere on the page but a field (ui/keys.js):
  // arrows walk the boxes drawn (the focus starts at the zoom root), Enter
  // zooms in, Backspace or Escape out, i and s switch the chart.  A walk
  // moves the keyboard focus to the chart, which shows the hover panel of
  // the box it is on.
  document.addEventListener('keydown', (e) => {
    const scope = ownKeys && e.target !== canvas ? 'none' : shortcutScope(e, canvas);
    const state = store.get();
    const tree = state.tree;
    if (scope === 'none' || !tree) return;
    if ((e.key === 'i' || e.key === 's') && !ownKeys) {
      store.set({ view: e.key === 'i' ? 'icicle' : 'sunburst' });
      e.preventDefault();
      return;
    }
    if (scope !== 'all') return;
    const top = rootNode(state);
    const at = state.focus !== null && state.focus < tree.size ? state.focus : top;
    if (e.key === 'Enter') {
      if (at >= 0) zoomInto(at);
    } else if (e.key === 'Backspace' || e.key === 'Escape') {
      if (state.root.length > 0) zoom(state.root.slice(0, -1));
    } else if (e.key.startsWith('Arrow')) {
      const pic = currentPicture(state);
      if (top < 0 || pic === null) return;
      const drawn = (pic.rects ?? pic.arcs).node;
      const next = nextBox(tree, top, at, e.key, (n) => drawn.includes(n));
      canvas.focus({ preventScroll: true });
      if (next !== null) store.set({ focus: next });
    } else {
      return;
    }
    e.preventDefault();
  });

  store.subscribe((state, prev) => {
    if (state.tree !== prev.tree) {
      // A view grafted in (a zoom that needed deeper levels) keeps the
      // keyboard's box: the same path in the new tree.
      const path = prev.tree && state.focus !== null && state.focus < prev.tree.size
        ? prev.tree.pathTo(state.focus) : null;
      const kept = path ? state.tree.findPath(path) : -1;
      store.set({ hover: null, hoverBand: null, focus: kept >= 0 ? kept : null });
    }
    if (state.root !== prev.root && state.tree && prev.tree === state.tree) {
      const from = prev.tree.findPath(prev.root);
      const to = state.tree.findPath(state.root);
      if (from >= 0 && to >= 0 && from !== to) animateZoom(state, state.tree, from, to);
    }
    if (state.view !== prev.view) animation = null;
    if (state.drawn !== prev.drawn && Object.keys(state).every((k) => k === 'drawn' || state[k] === prev[k])) return;
    schedule();
  });
  // The width follows the page's; the height the window's.
  new ResizeObserver(() => schedule()).observe(canvas.parentElement);
  window.addEventListener('resize', () => schedule());
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
