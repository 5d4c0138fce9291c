/**
 * A pgpool.conf as a container image runs it (deploy/images.ts): the settings the image's entrypoint writes before a
 * fragment, or appends after the file, seen together with the file's own effective settings. The TLS and
 * authentication checks ask `ImageView` instead of the bare settings, so that a file the image completes is not
 * judged as if Pgpool-II read it alone (no "ssl_cert is not set" error for the pgpool/pgpool image, which appends it).
 */
import type { ValidateContext } from '../../../core/language';
import type { SourceDocument } from '../../../core/types';
import type { ImageRun } from '../../../deploy';
import { lastSetting, type Setting } from '../effective';
import { parseBool } from '../model';
import { R } from '../rules';

/** A setting's value with where it comes from: the file (`at`) or the image. */
export interface Valued {
  value: string;
  at?: Setting;
  /** Set when the image writes the value (before a fragment, or appended after the file). */
  image?: 'before' | 'after';
}

export interface ImageView {
  run?: ImageRun;
  /** The value Pgpool-II ends up with: appended by the image, else the file's, else the image's generated part. */
  get(key: string): Valued | undefined;
  /** As `get`, as a boolean (`dflt` when nobody sets it). */
  bool(key: string, dflt: boolean): { value: boolean; at?: Setting; image?: Valued['image'] };
  /** "the pgpool/pgpool image (deployment.yaml, Deployment pgpool, container pgpool)", with the doubt when there is one. */
  who(): string;
}

export function imageView(all: readonly Setting[], run: ImageRun | undefined): ImageView {
  const own = (key: string): string | undefined => lastSetting(all, key)?.a.value;
  const before = run?.role === 'fragment' ? run.before : {};
  const after = run ? run.after(k => own(k) ?? before[k]) : {};
  const view: ImageView = {
    ...(run ? { run } : {}),
    get(key) {
      if (after[key] !== undefined) return { value: after[key]!, image: 'after' };
      const s = lastSetting(all, key);
      if (s) return { value: s.a.value, at: s };
      return before[key] !== undefined ? { value: before[key]!, image: 'before' } : undefined;
    },
    bool(key, dflt) {
      const v = view.get(key);
      if (!v) return { value: dflt };
      const value = parseBool(v.value) ?? true;
      return { value, ...(v.at ? { at: v.at } : {}), ...(v.image ? { image: v.image } : {}) };
    },
    who() {
      if (!run) return '';
      const doubt = run.certain ? '' : '; this assumes the ConfigMap it mounts there, which is not in the workspace, holds this file';
      return `${run.name} (${run.where}${doubt})`;
    },
  };
  return view;
}

/** For a fragment: one note on its first line saying which image's configuration it is appended to. */
export function reportFragment(doc: SourceDocument, view: ImageView, ctx: ValidateContext): void {
  const run = view.run;
  if (!run || run.role !== 'fragment') return;
  const eol = doc.text.indexOf('\n');
  const first = doc.text.slice(0, eol < 0 ? doc.text.length : eol).replace(/\r$/, '');
  const generated = Object.entries(run.before).map(([k, v]) => `\`${k} = '${v}'\``).join(', ');
  ctx.report(R['image-completes'], [0, first.length], `This file is appended to the pgpool.conf that ${view.who()} generates, so the settings it leaves out are the image's, not Pgpool-II's defaults${generated ? ` (${generated}, some of them from the container's environment)` : ''}; pgtls checks it with them.`);
}
