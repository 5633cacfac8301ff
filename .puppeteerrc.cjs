/* global module */
// Puppeteer must not download its own Chrome (no network for it in CI, and `npm ci` must work
// offline from the cache): the browser tests launch Debian's chromium (/usr/bin/chromium) instead,
// as shared/spec/WEBGPU_WITHOUT_A_GPU.md describes.
/** @type {import('puppeteer').Configuration} */
module.exports = {
  skipDownload: true,
};
