// The index page: the stored profiles, a way to add one, and a token form
// when the server wants one.
//
// No store: nothing here is shareable state.  onOpen(url) is called with a
// profile's page (/p/ID) after an upload; the caller navigates.
//
// Tokens (docs/api.md): GET /api/server says which ones the server wants
// before anything fails.  A read token that is missing or refused (401)
// hides the list behind the form; a write token is asked for only where an
// upload or delete needs it, so a read-only visitor is not bothered.  The
// form says whether a token is missing or the one given was refused (a 401
// after sending one: model/api.js's tokenSent), and #token-form's
// data-reason says which: 'missing' or 'refused'.
//
// An upload of a file stored before (the same bytes: the API answers 200
// with "existed": true) opens nothing: the page says so and links to it.
//
// The list is one page of GET /api/profiles: the search box (names and
// label values), label filters (a label chip on a row adds one) and the
// page are the URL's (state/index-query.js, kept there by
// state/url-sync.js's syncIndexUrl), so a filtered list can be shared and
// Back undoes a filter.  Labels are edited on the rows when writes are
// allowed.

import { dateFromUnix, formatBytes, formatCount, formatWithUnit } from '../layout/format.js';
import { isAbort } from '../model/api.js';
import { readLabels } from '../model/labels.js';
import { readProfilePage, readServer, uploadName } from '../model/profiles.js';
import { listParams, pageCount, pageSpan, withLabel, withoutLabel, withSearch } from '../state/index-query.js';
import { syncIndexUrl } from '../state/url-sync.js';
import { element } from './dom.js';
import { createLabelChips } from './label-chips.js';
import { visibleText } from '../layout/text.js';

// Typing in the search box lists again this long after the last key.
const SEARCH_DELAY_MS = 250;

const COLUMNS = [
  { label: 'name' },
  { label: 'labels', title: 'Click a label to list only the profiles that have it' },
  { label: 'format', title: 'The file\'s format, told by its content: pstats, folded stacks, speedscope, cpuprofile or callgrind' },
  { label: 'writer', title: 'The profiler that wrote the file, as far as the file tells' },
  { label: 'loaded', title: 'When it was stored here' },
  { label: 'size', title: 'Size of the file', num: true },
  { label: 'total time', title: 'The sum of every function\'s own time (or samples, bytes, events: what the file measures)', num: true },
  { label: 'functions', num: true },
  { label: '', title: '' },
];

// initialQuery: parseIndexQuery(location.search); win: the window
// (injectable, as url-sync's).
export function createIndexView(container, { api, onOpen, initialQuery, win = globalThis.window }) {
  const heading = element('h2', { textContent: 'Profiles' });

  const tokenWhy = element('p', { id: 'token-why' });
  const tokenInput = element('input', { id: 'token', type: 'password', autocomplete: 'off', required: true });
  const tokenForm = element('form', { id: 'token-form', hidden: true }, [
    tokenWhy,
    element('label', { htmlFor: 'token', textContent: 'Token ' }),
    tokenInput,
    element('button', { type: 'submit', textContent: 'Use token' }),
  ]);

  const fileInput = element('input', { id: 'upload-file', type: 'file' });
  const uploadStatus = element('p', { id: 'upload-status' });
  uploadStatus.setAttribute('role', 'status');
  const drop = element('div', { id: 'drop', hidden: true }, [
    element('p', {}, [
      'Drop a profile file here, or ',
      fileInput,
      element('label', { htmlFor: 'upload-file', className: 'button', textContent: 'Open a profile…' }),
    ]),
    // No `accept` filter on the input: the server tells formats by their
    // content, and the names profilers give their files (.prof, .json,
    // .txt, .cpuprofile, callgrind.out.1234, none) say little.
    element('p', {
      className: 'formats',
      textContent: 'Any format profviz reads: cProfile/profile (pstats), folded stacks, speedscope JSON, '
        + 'Chrome/V8 .cpuprofile, callgrind. The format is told from the content, not the file name.',
    }),
    uploadStatus,
  ]);

  const listStatus = element('p', { id: 'profiles-status' });
  const body = element('tbody');
  const table = element('table', { id: 'profiles', hidden: true }, [
    element('thead', {}, [element('tr', {}, COLUMNS.map(({ label, title, num }) => {
      const th = element('th', { textContent: label, className: num ? 'num' : '' });
      if (title) th.title = title;
      th.scope = 'col';
      return th;
    }))]),
    body,
  ]);
  const searchInput = element('input', {
    id: 'profile-search', type: 'search', placeholder: 'Search names and labels', autocomplete: 'off', spellcheck: false,
  });
  searchInput.setAttribute('aria-label', 'Search profiles by name or label value');
  const filters = element('span', { id: 'filters' });
  const searchForm = element('form', { id: 'list-search' }, [searchInput, filters]);
  searchForm.setAttribute('role', 'search');

  const prev = element('button', { type: 'button', id: 'page-prev', textContent: '← Newer' });
  const next = element('button', { type: 'button', id: 'page-next', textContent: 'Older →' });
  const span = element('span', { id: 'page-span' });
  const pager = element('nav', { id: 'pager', hidden: true }, [prev, span, next]);
  pager.setAttribute('aria-label', 'Pages of profiles');

  container.replaceChildren(heading, tokenForm, drop, searchForm, listStatus, table, pager);

  let query = initialQuery;
  const urls = syncIndexUrl(initialQuery, (q) => {
    query = q;
    if (searchInput.value !== q.q) searchInput.value = q.q;
    load();
  }, win);
  searchInput.value = query.q;
  let server = null;      // readServer(): what the server wants
  let loading = null;     // AbortController of the current load()
  let uploading = false;

  const canWrite = () => server !== null && (server.uploads === 'open' || api.hasToken());

  async function load() {
    loading?.abort();
    const mine = new AbortController();
    loading = mine;
    container.dataset.state = 'loading';
    listStatus.textContent = 'loading…';
    try {
      server = readServer(await api.server(mine.signal));
      if (server.reads === 'token' && !api.hasToken()) {
        showList([]);
        askToken('missing', 'This server needs a token to show its profiles.');
        listStatus.textContent = '';
      } else {
        const page = readProfilePage(await api.profiles(listParams(query), mine.signal));
        // A page past the end (a stale link, profiles deleted since): the last one.
        if (page.profiles.length === 0 && page.total > 0 && query.page > 1) {
          urls.go({ ...query, page: pageCount(page.total) }, { replace: true });
          return;
        }
        showList(page.profiles);
        showPager(page);
        if (server.uploads === 'token' && !api.hasToken()) askToken('missing', 'Uploading and deleting on this server need a token.');
        else tokenForm.hidden = true;
        const filtered = query.q !== '' || query.labels.length > 0;
        if (page.profiles.length > 0) listStatus.textContent = '';
        else if (filtered) listStatus.textContent = 'No profile matches this search.';
        else listStatus.replaceChildren('No profiles yet: run ', element('code', { textContent: 'profviz upload FILE' }),
          canWrite() ? ' or drop a file here.' : ' to add one.');
      }
      container.dataset.state = 'ready';
    } catch (error) {
      if (isAbort(error)) return;
      showList([]);
      if (error?.status === 401) {
        // The token we sent, if any, is wrong: forget it.
        api.setToken(null);
        if (error.tokenSent) askToken('refused', 'That token was refused: this server needs another one to show its profiles. Check it and try again.');
        else askToken('missing', 'This server needs a token to show its profiles.');
        listStatus.textContent = '';
      } else {
        listStatus.textContent = messageOf(error);
      }
      container.dataset.state = 'error';
    } finally {
      if (loading === mine) drop.hidden = !canWrite();
    }
  }

  // reason: 'missing' or 'refused'.
  function askToken(reason, why) {
    tokenWhy.textContent = why;
    tokenForm.dataset.reason = reason;
    tokenForm.hidden = false;
  }

  function showList(profiles) {
    body.replaceChildren(...profiles.map(profileRow));
    table.hidden = profiles.length === 0;
    showFilters();
  }

  // The active label filters, each a button that removes it.
  function showFilters() {
    filters.replaceChildren(...query.labels.map((l) => {
      const text = `${l.key}=${visibleText(l.value)}`;
      const b = element('button', { type: 'button', className: 'label-filter', textContent: `${text} ×` });
      b.title = `Stop filtering by ${text}`;
      b.addEventListener('click', () => urls.go(withoutLabel(query, l)));
      return b;
    }));
  }

  function showPager({ profiles, total }) {
    const pages = pageCount(total);
    pager.hidden = total === 0 || (pages === 1 && query.page === 1);
    span.textContent = `${pageSpan(query.page, profiles.length, total)} · page ${query.page} of ${pages}`;
    prev.disabled = query.page <= 1;
    next.disabled = query.page >= pages;
  }

  const goPage = (page) => urls.go({ ...query, page });
  prev.addEventListener('click', () => goPage(query.page - 1));
  next.addEventListener('click', () => goPage(query.page + 1));

  let typing = null;
  const search = (replace) => {
    clearTimeout(typing);
    if (searchInput.value !== query.q) urls.go(withSearch(query, searchInput.value), { replace });
  };
  searchInput.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => search(true), SEARCH_DELAY_MS);
  });
  searchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    search(false);
  });

  // PATCH a row's labels; a refused token is said as for deletes.
  const editLabels = (id) => async (patch) => {
    try {
      return readLabels((await api.editLabels(id, patch))?.labels);
    } catch (error) {
      writeRefused(error);
      throw error;
    }
  };

  function profileRow(p) {
    const title = p.name === '' ? `profile ${p.id}` : visibleText(p.name);
    // The link is built from the number, not from the answer's url field.
    const link = element('a', { href: `/p/${p.id}`, textContent: title });
    const loaded = dateFromUnix(p.loadedAt);
    const when = element('time', { textContent: loaded ? loaded.toLocaleString() : '' });
    if (loaded) when.dateTime = loaded.toISOString();
    const actions = element('td', { className: 'actions' });
    if (canWrite()) {
      const remove = element('button', { type: 'button', className: 'delete', textContent: 'Delete' });
      remove.setAttribute('aria-label', `Delete ${title}`);
      remove.addEventListener('click', () => removeProfile(p.id, title, remove));
      actions.append(remove);
    }
    const labels = createLabelChips({
      labels: p.labels,
      onPick: (l) => urls.go(withLabel(query, l)),
      onEdit: canWrite() ? editLabels(p.id) : null,
    });
    const tr = element('tr', {}, [
      element('td', { className: 'name' }, [link]),
      element('td', { className: 'labels-cell' }, [labels]),
      element('td', { className: 'format', textContent: p.format }),
      element('td', { textContent: p.writer }),
      element('td', {}, [when]),
      element('td', { className: 'num', textContent: formatBytes(p.size) }),
      element('td', { className: 'num', textContent: p.totalTime === null ? '' : formatWithUnit(p.totalTime, p.units) }),
      element('td', { className: 'num', textContent: p.functions === null ? '' : formatCount(p.functions) }),
      actions,
    ]);
    tr.dataset.id = String(p.id);
    return tr;
  }

  async function removeProfile(id, title, button) {
    if (!confirm(`Delete the profile “${title}”? This cannot be undone.`)) return;
    button.disabled = true;
    try {
      await api.remove(id);
      load();
    } catch (error) {
      button.disabled = false;
      writeRefused(error);
      listStatus.textContent = `Could not delete ${title}: ${messageOf(error)}`;
    }
  }

  // A 401 on a write: none was given, or the one given is not the write
  // token.  A read token keeps working for reading, so it is kept when
  // reads need one; otherwise a refused token is good for nothing.
  function writeRefused(error) {
    if (error?.status !== 401) return;
    if (!error.tokenSent) {
      askToken('missing', 'Uploading and deleting on this server need a token.');
      return;
    }
    if (server?.reads !== 'token') api.setToken(null);
    askToken('refused', 'That token was refused for uploading and deleting: they need this server\'s write token.');
    drop.hidden = !canWrite();
  }

  async function upload(file) {
    if (uploading || !file) return;
    uploading = true;
    fileInput.disabled = true;
    drop.classList.add('busy');
    delete uploadStatus.dataset.kind;
    uploadStatus.textContent = `Uploading ${file.name} (${formatBytes(file.size)})…`;
    try {
      const answer = await api.upload(file, uploadName(file.name));
      const id = answer?.id;
      if (!(Number.isSafeInteger(id) && id > 0)) throw new TypeError('The server took the file but did not say where it is');
      if (answer.existed === true) {
        uploadStatus.dataset.kind = 'existed';
        uploadStatus.replaceChildren(`${file.name} was already stored here, as profile ${id}: nothing was added. `,
          element('a', { href: `/p/${id}`, textContent: 'Open it' }), '.');
        return;
      }
      uploadStatus.textContent = `Opening ${file.name}…`;
      onOpen(`/p/${id}`);
    } catch (error) {
      writeRefused(error);
      uploadStatus.textContent = `Could not add ${file.name}: ${messageOf(error)}`;
    } finally {
      uploading = false;
      fileInput.disabled = false;
      fileInput.value = '';
      drop.classList.remove('busy');
    }
  }

  tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    api.setToken(tokenInput.value);
    tokenInput.value = '';
    tokenForm.hidden = true;
    uploadStatus.textContent = '';
    load();
  });

  fileInput.addEventListener('change', () => upload(fileInput.files?.[0]));

  // Only file drags are ours; text or links dragged from elsewhere pass.
  const carriesFiles = (event) => event.dataTransfer?.types?.includes('Files') === true;
  drop.addEventListener('dragover', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = uploading ? 'none' : 'copy';
    drop.classList.add('dragging');
  });
  drop.addEventListener('dragleave', (event) => {
    if (!drop.contains(event.relatedTarget)) drop.classList.remove('dragging');
  });
  drop.addEventListener('drop', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    drop.classList.remove('dragging');
    upload(event.dataTransfer.files[0]);
  });
  // A file dropped next to the zone would make the browser leave the page
  // to show it.
  container.addEventListener('dragover', (event) => {
    if (!carriesFiles(event) || drop.contains(event.target)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'none';
  });
  container.addEventListener('drop', (event) => {
    if (carriesFiles(event)) event.preventDefault();
  });

  load();
}

function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}
