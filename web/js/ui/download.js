// Hands a Blob to the browser as a download named `fileName`.
export function download(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // The click has started the download; the URL is not needed after it.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

// A file name from a profile's display name: no path separators or
// characters that file systems refuse.
export function safeFileName(name, suffix) {
  const base = String(name).replace(/\.[A-Za-z0-9]{1,8}$/, '').replace(/[^\w.+-]+/g, '_').slice(0, 100);
  return `${base || 'profile'}${suffix}`;
}
