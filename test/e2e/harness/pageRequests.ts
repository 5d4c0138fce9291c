/**
 * The browser side of the in-editor suite's questions about the workbench. The suite runs in the extension host and
 * cannot see the page: it asks this side to hover or click an element, to wait until elements show (with a text in
 * them), to report the images of a webview (the extension page's README), and to take a picture for the README.
 *
 * Protocol, through files in `dir` (the suite's `PGTLS_E2E_OUT/page/`): the suite writes `<id>.request.json` (temp
 * file + rename, so it is read whole); this side answers `<id>.response.json` with `{ ok: true, ... }` or
 * `{ ok: false, error }`. Requests are served one at a time, in the order they appear.
 *
 *   { kind: 'show', steps?: [{ hover | click: selector }], expect: [{ what, selector, text?, image? }],
 *     screenshot?: { name, element?: selector, clip?: { x, y, width, height } } }
 *     → waits (20 s) for each `expect` element to be visible, with `text` in it; answers their inner texts (and, for
 *       `image: true`, the natural size of the <img> once it loaded or failed). With pictures on (`imagesDir`),
 *       writes `<imagesDir>/<name>.png`: the page, one element of it, or a rectangle of it.
 *   { kind: 'frameImages', frameText }
 *     → the images of the frame (a webview's inner document) whose body text contains `frameText`, with their
 *       natural size (0 × 0: the browser did not load the picture).
 *   { kind: 'frameFocus', frameText, selector, press? }
 *     → in the frame whose body text contains `frameText` (after pressing the key `press` on the page, which goes to
 *       the element that has the keyboard focus): the element that has the focus (its `data-id` and classes), whether
 *       the frame's document has the focus, and each element matching `selector` with its `data-id`, classes and
 *       whether it lies inside the frame's viewport.
 *   { kind: 'press', key }
 *     → presses the key on the page (it goes to the element that has the keyboard focus, in whatever frame).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The slice of playwright-core's API used here. */
interface ElementHandle {
  innerText(): Promise<string>;
  evaluate<T>(fn: (element: Element) => T | Promise<T>): Promise<T>;
  screenshot(options: { path: string }): Promise<unknown>;
}
interface Frame {
  evaluate<T>(fn: () => T): Promise<T>;
  evaluate<T, A>(fn: (arg: A) => T, arg: A): Promise<T>;
}
export interface RequestPage {
  waitForSelector(selector: string, options: { timeout: number; state?: 'visible' | 'attached' }): Promise<ElementHandle | null>;
  hover(selector: string, options: { timeout: number }): Promise<void>;
  click(selector: string, options: { timeout: number }): Promise<void>;
  screenshot(options: { path: string; clip?: Clip }): Promise<unknown>;
  frames(): Frame[];
  keyboard: { press(key: string): Promise<void> };
}

interface Clip { x: number; y: number; width: number; height: number }
type Step = { hover: string } | { click: string };
interface ShowRequest {
  kind: 'show';
  steps?: Step[];
  /** `image`: the element is an <img>; its natural size is answered once it loaded or failed. */
  expect: { what: string; selector: string; text?: string; image?: boolean }[];
  /** The page, one element of it, or a rectangle of the 1280 × 800 viewport. */
  screenshot?: { name: string; element?: string; clip?: Clip };
}
interface FrameImagesRequest { kind: 'frameImages'; frameText: string }
interface FrameFocusRequest { kind: 'frameFocus'; frameText: string; selector: string; press?: string }
interface PressRequest { kind: 'press'; key: string }
type PageRequest = ShowRequest | FrameImagesRequest | FrameFocusRequest | PressRequest;

/** What a frameFocus request answers about one element. */
export interface FocusedElement { id: string; classes: string; inView: boolean }

export interface FrameImage { src: string; alt: string; width: number; height: number }

const WAIT_MS = 20_000;

/**
 * Runs in the page: an <img>'s natural size once it has loaded or failed (0 × 0), by its load/error events. No named
 * inner functions: tsx (esbuild keepNames) would wrap them in a `__name` helper the page does not have.
 */
function settledSize(element: Element): Promise<{ width: number; height: number }> {
  const img = element as HTMLImageElement;
  return new Promise(resolve => {
    if (img.complete) resolve({ width: img.naturalWidth, height: img.naturalHeight });
    img.addEventListener('load', () => resolve({ width: img.naturalWidth, height: img.naturalHeight }), { once: true });
    img.addEventListener('error', () => resolve({ width: 0, height: 0 }), { once: true });
  });
}

async function show(page: RequestPage, r: ShowRequest, imagesDir: string | undefined, log: (l: string) => void): Promise<object> {
  for (const step of r.steps ?? []) {
    if ('hover' in step) await page.hover(step.hover, { timeout: WAIT_MS });
    else await page.click(step.click, { timeout: WAIT_MS });
  }
  const texts: string[] = [];
  const images: ({ width: number; height: number } | null)[] = [];
  for (const e of r.expect) {
    // Playwright's :has-text() matches an element whose text contains the string (case-insensitive).
    const selector = e.text === undefined ? e.selector : `${e.selector}:has-text(${JSON.stringify(e.text)})`;
    const el = await page.waitForSelector(selector, { timeout: WAIT_MS, state: 'visible' })
      .catch(() => { throw new Error(`${e.what} (${selector}) did not show within ${WAIT_MS / 1000}s`); });
    texts.push(el ? await el.innerText() : '');
    images.push(el && e.image ? await el.evaluate(settledSize) : null);
  }
  let picture: string | undefined;
  if (r.screenshot && imagesDir) {
    if (!/^[a-z0-9-]+$/.test(r.screenshot.name)) throw new Error(`bad picture name ${r.screenshot.name}`);
    fs.mkdirSync(imagesDir, { recursive: true });
    picture = path.join(imagesDir, `${r.screenshot.name}.png`);
    const partial = `${picture}.partial.png`;
    if (r.screenshot.element) {
      const el = await page.waitForSelector(r.screenshot.element, { timeout: WAIT_MS, state: 'visible' });
      if (!el) throw new Error(`no ${r.screenshot.element} to take a picture of`);
      await el.screenshot({ path: partial });
    } else {
      await page.screenshot({ path: partial, ...(r.screenshot.clip ? { clip: r.screenshot.clip } : {}) });
    }
    fs.renameSync(partial, picture);
    log(`picture written to ${picture}`);
  }
  return { texts, images, picture };
}

/**
 * A webview's document is written after its frame loads, and its pictures decode after that: the frames are looked
 * at again (every 250 ms, under the 20 s deadline) until one shows the text with every picture settled. Playwright
 * offers no event for "a frame's document was written", and its selectors do not reach into nested frames by text.
 */
async function frameImages(page: RequestPage, r: FrameImagesRequest): Promise<object> {
  const deadline = Date.now() + WAIT_MS;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    seen = [];
    for (const frame of page.frames()) {
      const found = await frame.evaluate(() => ({
        text: document.body ? document.body.innerText : '',
        images: Array.from(document.images).map(i => ({ src: i.getAttribute('src') ?? '', alt: i.alt, width: i.naturalWidth, height: i.naturalHeight, complete: i.complete })),
      })).catch(() => undefined);
      if (!found) continue;
      seen.push(found.text.slice(0, 60).replace(/\s+/g, ' '));
      if (!found.text.includes(r.frameText) || found.images.some(i => !i.complete)) continue;
      const images: FrameImage[] = found.images.map(i => ({ src: i.src.slice(0, i.src.startsWith('data:') ? 40 : 300), alt: i.alt, width: i.width, height: i.height }));
      return { images };
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
  throw new Error(`no frame showed "${r.frameText}" with its pictures loaded within ${WAIT_MS / 1000}s (frames: ${seen.map(t => JSON.stringify(t)).join(', ')})`);
}

/**
 * Runs in the frame: the focused element and the elements matching the selector. No named inner functions (see
 * settledSize).
 */
function focusState([text, selector]: [string, string]): { found: boolean; hasFocus: boolean; active: FocusedElement | null; matches: FocusedElement[] } {
  if (!document.body || !document.body.innerText.includes(text)) return { found: false, hasFocus: false, active: null, matches: [] };
  const focused = document.activeElement && document.activeElement !== document.body ? document.activeElement : null;
  const described = [...(focused ? [focused] : []), ...Array.from(document.querySelectorAll(selector))].map(el => {
    const r = el.getBoundingClientRect();
    return {
      id: el.getAttribute('data-id') ?? '', classes: el.getAttribute('class') ?? '',
      inView: r.width > 0 && r.left >= 0 && r.top >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight,
    };
  });
  return { found: true, hasFocus: document.hasFocus(), active: focused ? described[0]! : null, matches: described.slice(focused ? 1 : 0) };
}

/** The focus inside a webview's frame, after a key press when asked; looked at again until the frame shows the text. */
async function frameFocus(page: RequestPage, r: FrameFocusRequest): Promise<object> {
  if (r.press) await page.keyboard.press(r.press);
  const deadline = Date.now() + WAIT_MS;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    seen = [];
    for (const frame of page.frames()) {
      const state = await frame.evaluate(focusState, [r.frameText, r.selector] as [string, string]).catch((e: unknown) => { seen.push(`error: ${String(e).slice(0, 80)}`); return undefined; });
      if (state?.found) return state;
      const text = await frame.evaluate(() => (document.body ? document.body.innerText : '(no body)')).catch(() => '(gone)');
      seen.push(text.slice(0, 60).replace(/\s+/g, ' '));
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
  throw new Error(`no frame showed "${r.frameText}" within ${WAIT_MS / 1000}s (frames: ${seen.map(t => JSON.stringify(t)).join(', ')})`);
}

/** Serves the requests that appear in `dir` until `stop()`; `stop()` resolves when the one in progress is answered. */
export function servePageRequests(page: RequestPage, dir: string, imagesDir: string | undefined, log: (l: string) => void): { stop: () => Promise<void> } {
  fs.mkdirSync(dir, { recursive: true });
  const done = new Set<string>();
  let chain = Promise.resolve();
  let stopped = false;
  const answer = (id: string, body: object) => {
    const file = path.join(dir, `${id}.response.json`);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(body));
    fs.renameSync(`${file}.tmp`, file);
  };
  const serve = async (id: string) => {
    try {
      const request = JSON.parse(fs.readFileSync(path.join(dir, `${id}.request.json`), 'utf8')) as PageRequest;
      const result = request.kind === 'show' ? await show(page, request, imagesDir, log)
        : request.kind === 'frameFocus' ? await frameFocus(page, request)
          : request.kind === 'press' ? await page.keyboard.press(request.key).then(() => ({})) : await frameImages(page, request);
      answer(id, { ok: true, ...result });
    } catch (e) {
      answer(id, { ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  };
  const scan = () => {
    for (const f of fs.readdirSync(dir).sort()) {
      const m = /^(.+)\.request\.json$/.exec(f);
      if (!m || done.has(m[1]!) || stopped) continue;
      done.add(m[1]!);
      chain = chain.then(() => serve(m[1]!)).catch(e => log(`page request ${m[1]}: ${String(e)}`));
    }
  };
  const watcher = fs.watch(dir, scan);
  scan();
  return {
    stop: async () => {
      stopped = true;
      watcher.close();
      await chain;
    },
  };
}
