/**
 * What the in-editor suite asks of the browser side while it runs, through files in the run's output folder (the
 * extension host cannot see or press the workbench's widgets): the suite writes `NAME.ui.json` and waits for
 * `NAME.ui.done.json`. A request is one of:
 *  - `{ "accept": TEXT }`: waits for the quick input (quick pick or input box) whose text includes TEXT, answers with
 *    its text and the input's value, and presses Enter (accepting the default the command offers);
 *  - `{ "read": SELECTOR, "includes"?: TEXT }`: waits for an element matching SELECTOR (whose text includes TEXT) and
 *    answers with the texts of all of them;
 *  - `{ "click": SELECTOR, "includes": TEXT }`: waits for an element matching SELECTOR whose text includes TEXT (a
 *    notification's button), clicks it and answers with its text;
 *  - `{ "screenshot": FILE }`: a picture of the workbench into the screenshots folder (a file name, no folders).
 * Waiting is playwright's (selector state), under a deadline; a failed request answers `{ "error": … }`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The slice of a playwright Page the requests use. */
export interface UiPage {
  waitForFunction<A, R>(fn: (arg: A) => R, arg: A, options: { timeout: number; polling?: 'raf' | number }): Promise<{ jsonValue(): Promise<R> }>;
  keyboard: { press(key: string): Promise<void> };
  screenshot(options: { path: string }): Promise<unknown>;
}

interface Request { accept?: string; read?: string; click?: string; includes?: string; screenshot?: string }

const WAIT_MS = 20_000;

/** Text of the visible quick input when it includes `want`, else null (runs in the page). */
function quickInput(want: string): { text: string; value: string } | null {
  const w = document.querySelector<HTMLElement>('.quick-input-widget');
  if (!w || getComputedStyle(w).display === 'none') return null;
  const text = w.innerText || '';
  const input = w.querySelector('input');
  const aria = input?.getAttribute('aria-label') ?? '';
  return text.includes(want) || aria.includes(want) || (input?.placeholder ?? '').includes(want) ? { text: `${text}\n${aria}`, value: input?.value ?? '' } : null;
}

/** The texts of the elements matching `selector` once one includes `want`, else null (runs in the page). */
function texts([selector, want]: [string, string]): string[] | null {
  const all = Array.from(document.querySelectorAll<HTMLElement>(selector)).map(e => e.innerText || e.textContent || '');
  return all.length && (!want || all.some(t => t.includes(want))) ? all : null;
}

/** Clicks the first element matching `selector` whose text includes `want`; its text, else null (runs in the page). */
function clickOn([selector, want]: [string, string]): string | null {
  const el = Array.from(document.querySelectorAll<HTMLElement>(selector)).find(e => (e.innerText || e.textContent || '').includes(want));
  if (!el) return null;
  el.click();
  return el.innerText || el.textContent || '';
}

async function serve(page: UiPage, r: Request, shots: string): Promise<Record<string, unknown>> {
  if (r.click !== undefined) {
    const handle = await page.waitForFunction(clickOn, [r.click, r.includes ?? ''] as [string, string], { timeout: WAIT_MS, polling: 100 });
    return { text: await handle.jsonValue() };
  }
  if (r.accept !== undefined) {
    const handle = await page.waitForFunction(quickInput, r.accept, { timeout: WAIT_MS, polling: 100 });
    const seen = (await handle.jsonValue())!;
    await page.keyboard.press('Enter');
    return seen;
  }
  if (r.read !== undefined) {
    const handle = await page.waitForFunction(texts, [r.read, r.includes ?? ''] as [string, string], { timeout: WAIT_MS, polling: 100 });
    return { texts: await handle.jsonValue() };
  }
  if (r.screenshot !== undefined) {
    const file = path.join(shots, path.basename(r.screenshot));
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: `${file}.partial.png` });
    fs.renameSync(`${file}.partial.png`, file);
    return { file };
  }
  throw new Error(`unknown request ${JSON.stringify(r)}`);
}

/** Serves the suite's requests until `stop` resolves; returns the disposer. */
export function serveUiRequests(page: UiPage, outDir: string, shots: string, log: (line: string) => void): () => void {
  const busy = new Set<string>();
  const scan = () => {
    for (const f of fs.readdirSync(outDir)) {
      if (!f.endsWith('.ui.json') || busy.has(f)) continue;
      busy.add(f);
      const name = f.slice(0, -'.ui.json'.length);
      let request: Request;
      try { request = JSON.parse(fs.readFileSync(path.join(outDir, f), 'utf8')) as Request; } catch { busy.delete(f); continue; }
      void serve(page, request, shots)
        .then(answer => answer, (e: unknown) => ({ error: e instanceof Error ? e.message.split('\n')[0] : String(e) }))
        .then(answer => {
          if ('error' in answer) log(`ui request ${name} failed: ${String(answer.error)}`);
          // Written whole, then renamed: the suite reads it as soon as the name appears.
          fs.writeFileSync(path.join(outDir, `${name}.answer.tmp`), JSON.stringify(answer));
          fs.renameSync(path.join(outDir, `${name}.answer.tmp`), path.join(outDir, `${name}.ui.done.json`));
        });
    }
  };
  const watcher = fs.watch(outDir, () => scan());
  scan();
  return () => watcher.close();
}
