// Download links for JSON made in the page (the result file, the run file as simulated): a Blob
// URL per link, revoked when the link gets new contents.

export function offerJson(linkId: string, fileName: string, json: unknown): void {
  const link = document.getElementById(linkId) as HTMLAnchorElement;
  if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([JSON.stringify(json)], { type: 'application/json' }));
  link.download = fileName;
  link.hidden = false;
}
