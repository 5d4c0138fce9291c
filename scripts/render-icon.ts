/**
 * Renders media/icon.svg (drawn for pgtls) to media/icon.png, the 128×128 icon of the extension page: the
 * marketplaces and vsce take PNG only. Chromium, headless, takes a screenshot of the SVG on a transparent page.
 *
 * Usage: node --import tsx scripts/render-icon.ts        (Chromium from PGTLS_E2E_CHROMIUM, default /usr/bin/chromium)
 * The PNG is committed; run this after changing the SVG (test/unit/extensionPackage.test.ts checks its size).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '..');
const SVG = path.join(ROOT, 'media/icon.svg');
const PNG = path.join(ROOT, 'media/icon.png');
const SIZE = 128;
const chromium = process.env.PGTLS_E2E_CHROMIUM ?? '/usr/bin/chromium';

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-icon-'));
try {
  const out = path.join(profile, 'icon.png');
  const r = spawnSync(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--default-background-color=00000000',
    `--window-size=${SIZE},${SIZE}`, `--screenshot=${out}`, pathToFileURL(SVG).href,
  ], {
    // A scratch HOME instead of --user-data-dir: with that flag this Chromium lays the page out larger than the window.
    encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, HOME: profile, XDG_CONFIG_HOME: path.join(profile, 'config'), XDG_CACHE_HOME: path.join(profile, 'cache') },
  });
  if (r.status !== 0 || !fs.existsSync(out)) {
    console.error(`chromium failed (${r.status ?? r.error?.message}):\n${r.stderr}`);
    process.exit(1);
  }
  const png = fs.readFileSync(out);
  // IHDR: width and height are the big-endian words at bytes 16 and 20.
  const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  if (w !== SIZE || h !== SIZE) {
    console.error(`chromium wrote a ${w}×${h} picture, not ${SIZE}×${SIZE}`);
    process.exit(1);
  }
  fs.copyFileSync(out, PNG);
  console.log(`wrote ${path.relative(ROOT, PNG)} (${png.length} bytes)`);
} finally {
  fs.rmSync(profile, { recursive: true, force: true });
}
