// A profile's labels as chips, on the index page's rows and in a profile
// page's header: a chip shows key=value and, clicked, filters the list by
// it (onPick); with editing allowed (onEdit given), each chip has a remove
// button and a "+ label" button opens a small "key=value" field.
//
// Edits go through onEdit(patch) — { key: "value" } or { key: null }, the
// body of PATCH /api/profiles/{id}/labels — which resolves to the labels
// as they are now, or throws an Error whose message is shown beside the
// chips.  Values are shown as text (visibleText), never as markup.

import { labelProblem, parseLabel } from '../model/labels.js';
import { visibleText } from '../layout/text.js';
import { element } from './dom.js';

// labels: [{ key, value }]; onPick(label) or null; onEdit(patch) or null.
export function createLabelChips({ labels, onPick = null, onEdit = null }) {
  const root = element('span', { className: 'labels' });
  let current = labels;
  const problem = element('span', { className: 'label-problem' });
  problem.setAttribute('role', 'status');

  function chip(label) {
    const text = `${label.key}=${visibleText(label.value)}`;
    const wrap = element('span', { className: 'label' });
    wrap.dataset.key = label.key;
    if (onPick) {
      const pick = element('button', { type: 'button', className: 'label-pick', textContent: text });
      pick.title = `Show only profiles labelled ${text}`;
      pick.addEventListener('click', () => onPick(label));
      wrap.append(pick);
    } else {
      wrap.append(element('span', { className: 'label-text', textContent: text }));
    }
    if (onEdit) {
      const remove = element('button', { type: 'button', className: 'label-remove', textContent: '×' });
      remove.setAttribute('aria-label', `Remove the label ${text}`);
      remove.addEventListener('click', () => edit({ [label.key]: null }));
      wrap.append(remove);
    }
    return wrap;
  }

  function addButton() {
    const add = element('button', { type: 'button', className: 'label-add', textContent: '+ label' });
    add.title = 'Add a label: key=value (e.g. branch=main)';
    add.addEventListener('click', () => {
      const input = element('input', { type: 'text', className: 'label-input', placeholder: 'key=value', spellcheck: false });
      input.setAttribute('aria-label', 'New label, as key=value');
      const form = element('form', { className: 'label-form' }, [input]);
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const l = parseLabel(input.value);
        const why = l === null ? 'Write the label as key=value.' : labelProblem(l);
        if (why) {
          problem.textContent = why;
          return;
        }
        edit({ [l.key]: l.value });
      });
      input.addEventListener('keydown', (event) => {
        if (event.key === 'Escape') draw();
      });
      add.replaceWith(form);
      input.focus();
    });
    return add;
  }

  async function edit(patch) {
    problem.textContent = '';
    root.classList.add('busy');
    try {
      current = await onEdit(patch);
      draw();
    } catch (error) {
      problem.textContent = error instanceof Error ? error.message : String(error);
    } finally {
      root.classList.remove('busy');
    }
  }

  function draw() {
    const message = problem.textContent;
    root.replaceChildren(...current.map(chip), ...(onEdit ? [addButton()] : []), problem);
    problem.textContent = message;
  }

  draw();
  return root;
}
