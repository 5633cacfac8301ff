// What the page may allocate for a network, so that the app refuses a network too large for the
// tab before building it instead of letting the tab crash. Browsers do not say how much a tab may
// use; 4 GiB is what a 64-bit Chrome renderer reliably gives, and `navigator.deviceMemory` (GiB,
// rounded down, only in Chromium) lowers it on small machines to half of their memory.

const TAB_BYTES = 4 * 2 ** 30;

export function pageMemoryBytes(): number {
  const device = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  return typeof device === 'number' && device > 0 ? Math.min(TAB_BYTES, (device / 2) * 2 ** 30) : TAB_BYTES;
}
