// The labels in a profile page's header: shown always; editable when the
// server takes writes from this page (uploads open, or a token given on
// the index page).  A label clicked opens the index listing the profiles
// that carry it.

import { labelParam, readLabels } from '../model/labels.js';
import { readServer } from '../model/profiles.js';
import { createLabelChips } from './label-chips.js';

// labels: readLabels() of the profile's answer; open(url) navigates.
export async function showProfileLabels(container, { api, id, labels, open }) {
  let editable = false;
  try {
    editable = readServer(await api.server()).uploads === 'open' || api.hasToken();
  } catch {
    // Unknown: show the labels without editing.
  }
  const onEdit = editable ? async (patch) => readLabels((await api.editLabels(id, patch))?.labels) : null;
  const onPick = (l) => open(`/?${new URLSearchParams({ label: labelParam(l) })}`);
  container.replaceChildren(createLabelChips({ labels, onPick, onEdit }));
  container.hidden = false;
}
