// Building DOM nodes without HTML strings.
//
// Why no innerHTML: names of files and functions are written by whoever
// wrote the profiled code, and the page's CSP forbids inline scripts but not
// markup injected into the layout.  Text goes in as textContent (a property
// here), so it is never parsed.

// element('td', { className: 'num', textContent: '1.5' }, [child, ...])
export function element(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}
