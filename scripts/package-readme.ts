/**
 * Writes dist/README.md, the README of the .vsix (`vsce package --readme-path dist/README.md`, see the package script),
 * from docs/marketplace/README.md, so that the extension page shows it whole from the package alone:
 *
 *  - Pictures become data: URIs. VS Code shows an installed extension's README in a webview whose content security
 *    policy loads images from https: and data: only, and resolves no relative path against the extension's folder:
 *    a picture shipped beside the README stays broken there (the end-to-end suite saw it, 0 × 0). vsce makes
 *    relative links absolute only from a GitHub or GitLab `repository`, which pgtls does not have yet.
 *  - Relative links (to the developers' README, to a file of the repository) point at nothing the extension page can
 *    open. With a GitHub or GitLab `repository` in package.json they become links into it; without one, their text
 *    stays and the link goes.
 *  - The source's HTML comments (notes for maintainers, the markers of the generated tables) are left out.
 *
 * Usage: node --import tsx scripts/package-readme.ts [OUT]     (default dist/README.md)
 * Paths are taken from the current folder (npm runs it at the package's root; the e2e stage links scripts/ there).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const SOURCE = 'docs/marketplace/README.md';
export const MARKETPLACE_README = path.resolve(__dirname, '..', SOURCE);

export interface PackagedReadme {
  text: string;
  /** The pictures inlined, as repository paths. */
  pictures: string[];
  /** Relative links whose target the extension page cannot open: their text was kept, the link dropped. */
  unlinked: string[];
}

/** The web address of a GitHub or GitLab repository named in package.json, or undefined. */
export function repositoryWeb(repository: unknown): string | undefined {
  const url = typeof repository === 'string' ? repository : (repository as { url?: unknown } | undefined)?.url;
  if (typeof url !== 'string') return undefined;
  const m = /^(?:git\+)?https:\/\/(github\.com|gitlab\.com)\/([\w.-]+\/[\w.-]+?)(?:\.git)?\/?$/.exec(url);
  return m ? `https://${m[1]}/${m[2]}` : undefined;
}

/**
 * The packaged README of `source` (a markdown file inside `root`). Throws on a picture that is missing, outside the
 * repository, not a PNG (vsce refuses SVG), or not https when absolute.
 */
export function packageReadme(source: string, root: string, repository: unknown): PackagedReadme {
  const dir = path.dirname(source);
  const web = repositoryWeb(repository);
  const pictures: string[] = [];
  const unlinked: string[] = [];
  const inRepo = (target: string) => {
    const abs = path.resolve(dir, target);
    const rel = path.relative(root, abs);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`${target} is outside the repository`);
    return { abs, rel: rel.split(path.sep).join('/') };
  };
  const picture = (alt: string, target: string) => {
    if (/^[a-z]+:/i.test(target)) {
      if (!target.startsWith('https:')) throw new Error(`picture ${target}: only https or a file of the repository`);
      return `![${alt}](${target})`;
    }
    const { abs, rel } = inRepo(target);
    if (!/\.png$/i.test(abs)) throw new Error(`picture ${target}: only PNG (vsce refuses SVG)`);
    if (!fs.existsSync(abs)) throw new Error(`picture ${target} does not exist (the end-to-end test takes it: PGTLS_SCREENSHOT=1)`);
    pictures.push(rel);
    return `![${alt}](data:image/png;base64,${fs.readFileSync(abs).toString('base64')})`;
  };
  const link = (label: string, target: string) => {
    if (/^[a-z]+:/i.test(target) || target.startsWith('#')) return `[${label}](${target})`;
    const [file, anchor] = target.split('#');
    const { rel } = inRepo(file!);
    if (web) return `[${label}](${web}/blob/HEAD/${rel}${anchor ? `#${anchor}` : ''})`;
    unlinked.push(target);
    return label;
  };
  const text = fs.readFileSync(source, 'utf8')
    .replace(/<!--[\s\S]*?-->\n/g, '')
    // Fenced code blocks are kept as they are; outside them, pictures first, then links.
    .split(/(^```[\s\S]*?^```$)/m)
    .map(part => part.startsWith('```') ? part : part
      .replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (_m, alt: string, target: string) => picture(alt, target))
      .replace(/(?<!!)\[([^\]]+)\]\(([^)\s]+)\)/g, (m, label: string, target: string) => (target.startsWith('data:') ? m : link(label, target))))
    .join('');
  if (/<img\s/i.test(text)) throw new Error('use markdown pictures (![alt](file.png)), not <img>: they are what is inlined');
  return { text, pictures, unlinked };
}

if (require.main === module) {
  const root = process.cwd();
  const out = path.resolve(process.argv[2] ?? path.join(root, 'dist/README.md'));
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { repository?: unknown };
  let r: PackagedReadme;
  try {
    r = packageReadme(path.join(root, SOURCE), root, pkg.repository);
  } catch (e) {
    console.error(`package-readme: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, r.text);
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(`${path.relative(root, out)}: ${kib(r.text.length)}, ${r.pictures.length} picture(s) inlined`
    + (r.unlinked.length ? `; no repository in package.json, so these links are text only: ${r.unlinked.join(', ')}` : ''));
}
