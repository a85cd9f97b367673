/** Offers a blob as a download with the given file name. */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke later: the download may read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
