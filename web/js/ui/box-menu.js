// The menu of a box (right click on a chart, or the menu key / shift+F10 on
// the keyboard's box) and the keys of its actions (state/box-actions.js):
// w sandwich, f focus, m merge, c collapse package, d drop subtree, on the
// box under the pointer or the keyboard's box.  Each action goes through
// go() (url-sync), so that Back undoes it.

import { boxActions } from '../state/box-actions.js';
import { shortcutScope } from './keys.js';
import { element } from './dom.js';

// charts: [{ canvas, store }] (the page's chart, and the sandwich's
// callers); go(patch): url-sync's, applied to the page's store.  menu: the
// element that becomes the menu.
export function createBoxMenu(menu, { charts, store, go }) {
  menu.hidden = true;
  menu.setAttribute('role', 'menu');
  const close = () => {
    menu.hidden = true;
    menu.replaceChildren();
  };

  // The actions of node n of `own`'s tree, made on the page's state: a
  // callers' box opens the sandwich around its function, never a transform
  // of a tree it is not in.
  const actionsOf = (own, n) => boxActions({ ...store.get(), tree: own.get().tree, root: own === store ? store.get().root : [] }, n)
    .map((a) => (own === store || a.key === 'w' ? a : { ...a, patch: null, disabled: true, title: 'Transforms apply to the top-down call tree' }));

  function open(own, n, x, y) {
    const actions = actionsOf(own, n);
    if (actions.length === 0) return;
    const items = actions.map((a) => {
      const b = element('button', { type: 'button', textContent: a.label, title: a.title, disabled: a.disabled });
      b.setAttribute('role', 'menuitem');
      b.append(element('kbd', { textContent: a.key }));
      b.addEventListener('click', () => {
        close();
        go(a.patch);
      });
      return b;
    });
    menu.replaceChildren(...items);
    menu.hidden = false;
    menu.style.left = `${x + window.scrollX}px`;
    menu.style.top = `${y + window.scrollY}px`;
    items.find((b) => !b.disabled)?.focus();
  }

  for (const { canvas, store: own } of charts) {
    canvas.addEventListener('contextmenu', (e) => {
      const n = own.get().hover;
      if (n === null) return;
      e.preventDefault();
      open(own, n, e.clientX, e.clientY);
    });
    canvas.addEventListener('keydown', (e) => {
      if (e.key !== 'ContextMenu' && !(e.key === 'F10' && e.shiftKey)) return;
      const n = own.get().focus;
      if (n === null) return;
      e.preventDefault();
      const r = canvas.getBoundingClientRect();
      open(own, n, r.left + 16, r.top + 16);
    });
  }
  document.addEventListener('pointerdown', (e) => {
    if (!menu.hidden && !menu.contains(e.target)) close();
  });
  menu.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  });

  // The letter keys, on the box under the pointer or the keyboard's box
  // of the chart that has it.
  document.addEventListener('keydown', (e) => {
    if (!['w', 'f', 'm', 'c', 'd'].includes(e.key)) return;
    for (const { canvas, store: own } of charts) {
      // Only where the arrows work too (the chart or nowhere has the focus):
      // a letter typed on the table must not transform the chart.
      if (shortcutScope(e, canvas) !== 'all' || (own !== store && e.target !== canvas)) continue;
      const state = own.get();
      const n = state.hover ?? state.focus;
      const action = n === null ? undefined : actionsOf(own, n).find((a) => a.key === e.key);
      if (!action || action.disabled) continue;
      e.preventDefault();
      go(action.patch);
      return;
    }
  });
}
