// Which of the page's keyboard shortcuts a key press may trigger, wherever
// the focus is: the shortcuts work without first clicking the chart, but
// never while one types in a field, and the keys a focused control uses
// itself (Enter on a button, arrows in the table) stay its own.

const TYPING = 'input, textarea, select, [contenteditable]:not([contenteditable="false"])';

// 'none': not a shortcut (a modifier is held, or the focus is in a field);
// 'letters': only the letter shortcuts (i, s, /), the focus being on a
// control; 'all': every shortcut (the focus is on the chart or nowhere).
export function shortcutScope(event, chart) {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return 'none';
  const t = event.target;
  if (!(t instanceof Element) || t === chart || t === document.body || t === document.documentElement) return 'all';
  return t.closest(TYPING) ? 'none' : 'letters';
}
