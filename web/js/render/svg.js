// A chart as a standalone SVG document: the drawings the canvas gets
// (boxes.js, from icicleBoxes or sunburstBoxes), written as SVG elements,
// so the file shows what the screen showed, colours, hatching, fading,
// outlines and labels alike.  Each box also carries a <title>, which SVG
// viewers show on hover: its name, where it is defined and its time.
//
// Every name and file is written through xmlEscape(): they come from the
// profiled program, so "</text><script>" is a function name like any other
// and must arrive as text.

import { EXACT } from '../model/tree.js';
import { RUN_THIN, RUN_UNLOADED } from '../layout/icicle.js';
import { polarToPixel } from '../layout/sunburst.js';
import { formatWithUnit } from '../layout/format.js';
import { FADED_ALPHA, HATCH, background, insetShape, isFullCircle, lineOffset } from './boxes.js';
import { icicleBoxes } from './icicle-paint.js';
import { sunburstBoxes } from './sunburst-paint.js';
import { visibleText } from '../layout/text.js';

// The same scenes as paintIcicle and paintSunburst take; measure(text) is
// a label's width in scene.font (the canvas's measurer, so that the labels
// are cut where the screen cuts them).
export function icicleSvg(scene, measure) {
  return svgDocument(scene, icicleBoxes(scene, measure));
}

export function sunburstSvg(scene, measure) {
  return svgDocument(scene, sunburstBoxes(scene, measure));
}

// Characters XML 1.0 does not allow at all (controls other than tab, line
// feed and carriage return; a surrogate without its other half; U+FFFE and
// U+FFFF): no escape can write them, so they become U+FFFD.
const NOT_XML = /[\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ENTITIES = Object.freeze({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' });

// Text made safe as XML character data or a quoted attribute value.
export function xmlEscape(text) {
  return text.replace(NOT_XML, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function svgDocument(scene, boxes) {
  const w = num(scene.width);
  const h = num(scene.height);
  const hatches = new Map();
  for (const b of boxes) if (b.hatch !== null && !hatches.has(b.hatch)) hatches.set(b.hatch, `hatch${hatches.size}`);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`,
  ];
  if (hatches.size > 0) {
    out.push('<defs>');
    const d = HATCH.lines.map(([x0, y0, x1, y1]) => `M${x0} ${y0}L${x1} ${y1}`).join('');
    for (const [color, id] of hatches) {
      out.push(`<pattern id="${id}" patternUnits="userSpaceOnUse" width="${HATCH.size}" height="${HATCH.size}">`
        + `<path d="${d}" stroke="${xmlEscape(color)}" stroke-width="${HATCH.width}"/></pattern>`);
    }
    out.push('</defs>');
  }
  out.push(`<rect width="${w}" height="${h}" fill="${background(scene.theme)}"/>`);
  out.push(`<g style="font: ${xmlEscape(scene.font)}">`);
  for (const b of boxes) out.push(boxElement(scene, b, hatches));
  out.push('</g>', '</svg>', '');
  return out.join('\n');
}

// One box: a group of its title, fill, hatching, label and outline, drawn
// in the canvas's order (boxes do not overlap, so the order within a box
// is all that matters).
function boxElement(scene, b, hatches) {
  const fade = b.faded ? ` opacity="${FADED_ALPHA}"` : '';
  const parts = [`<g><title>${xmlEscape(titleOf(scene, b))}</title>`, shapeElement(b.shape, `fill="${b.fill}"${fade}`)];
  if (b.hatch !== null) parts.push(shapeElement(b.shape, `fill="url(#${hatches.get(b.hatch)})"${fade}`));
  if (b.label !== null) {
    // Each line placed in the label's own frame and turned with it about
    // (x, y), as the canvas translates, rotates and writes.
    const { lines, x, y, angle, align } = b.label;
    const turn = angle === 0 ? '' : ` transform="rotate(${num((angle * 180) / Math.PI)} ${num(x)} ${num(y)})"`;
    lines.forEach((line, j) => {
      parts.push(`<text x="${num(x)}" y="${num(y + lineOffset(b.label, j))}" fill="${b.text}" text-anchor="${align === 'left' ? 'start' : 'middle'}"`
        + ` dominant-baseline="central"${turn}${fade}>${xmlEscape(line)}</text>`);
    });
  }
  if (b.outline !== null) {
    // A frame, as on the canvas: the shape less the shape inset.
    const { color, width } = b.outline;
    parts.push(`<path d="${pathData(b.shape)}${pathData(insetShape(b.shape, width))}" fill="${color}" fill-rule="evenodd"/>`);
  }
  parts.push('</g>');
  return parts.join('');
}

// What a hover over drawing b says: name, file:line (none for built-ins
// and synthetic boxes, which have no file) and time; a band has no one
// name, and says what it stands for.  The figure is in the profile's units,
// with their word ("1,234 samples").
function titleOf({ tree, units }, b) {
  const i = b.node;
  if (b.band === RUN_THIN) return 'boxes each too thin to draw: zoom in to see them';
  if (b.band === RUN_UNLOADED) return 'not loaded: what this view did not fetch below the box above';
  const lines = [visibleText(tree.name(i))];
  if (tree.fid[i] >= 0 && tree.file(i) !== '~' && (tree.file(i) !== '' || tree.line[i] !== 0)) lines.push(visibleText(`${tree.file(i)}:${tree.line[i]}`));
  lines.push(`${formatWithUnit(tree.time[i], units)}${tree.has(i, EXACT) ? '' : ' (estimated)'}`);
  return lines.join('\n');
}

function shapeElement(shape, attributes) {
  if (shape.kind === 'rect') {
    return `<rect x="${num(shape.x)}" y="${num(shape.y)}" width="${num(shape.w)}" height="${num(shape.h)}" ${attributes}/>`;
  }
  return `<path d="${pathData(shape)}" ${attributes}/>`;
}

// A shape as path data.  A sector is its outer arc clockwise and its inner
// one back; a full circle is two half circles (an SVG arc from a point to
// itself draws nothing), its hole turning the other way so the non-zero
// rule leaves it empty.
function pathData(shape) {
  if (shape.kind === 'rect') return `M${num(shape.x)} ${num(shape.y)}h${num(shape.w)}v${num(shape.h)}h${num(-shape.w)}Z`;
  const { cx, cy, r0, r1, a0, a1 } = shape;
  if (isFullCircle(shape)) return circlePath(cx, cy, r1, 1) + (r0 > 0 ? circlePath(cx, cy, r0, 0) : '');
  const at = (angle, radius) => {
    const p = polarToPixel(angle, radius, shape);
    return `${num(p.x)} ${num(p.y)}`;
  };
  const large = a1 - a0 > Math.PI ? 1 : 0;
  const inner = r0 > 0 ? `L${at(a1, r0)}A${num(r0)} ${num(r0)} 0 ${large} 0 ${at(a0, r0)}` : `L${num(cx)} ${num(cy)}`;
  return `M${at(a0, r1)}A${num(r1)} ${num(r1)} 0 ${large} 1 ${at(a1, r1)}${inner}Z`;
}

function circlePath(cx, cy, r, sweep) {
  const half = `A${num(r)} ${num(r)} 0 1 ${sweep}`;
  return `M${num(cx + r)} ${num(cy)}${half} ${num(cx - r)} ${num(cy)}${half} ${num(cx + r)} ${num(cy)}Z`;
}

// Coordinates to a hundredth of a pixel: finer than any screen, and a
// 10k-box file stays small.
function num(v) {
  return String(Math.round(v * 100) / 100);
}
