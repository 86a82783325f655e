import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../../support/paths';

// Someone who clones the repository must be able to follow every link and every "see X.md" it contains.

const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' })
  .split('\0')
  .filter((f) => f && existsSync(join(repoRoot, f)));
const markdown = tracked.filter((f) => f.endsWith('.md'));

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1].trim())));
}

/** Relative links of a markdown file, outside code blocks and code spans. */
function links(text: string): string[] {
  const prose = text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/i.test(l));
}

describe('links in the documentation', () => {
  it('finds the documentation', () => {
    assert.ok(markdown.includes('README.md') && markdown.includes('docs/architecture.md'), markdown.join(', '));
  });

  it('resolves every relative link in a markdown file, anchors included', () => {
    const broken: string[] = [];
    for (const file of markdown) {
      const path = join(repoRoot, file);
      for (const link of links(readFileSync(path, 'utf8'))) {
        const [target, anchor] = link.split('#');
        const resolved = target ? resolve(dirname(path), decodeURIComponent(target)) : path;
        if (!existsSync(resolved)) broken.push(`${file}: ${link} (no such file)`);
        else if (anchor && statSync(resolved).isFile() && resolved.endsWith('.md') && !anchors(resolved).has(anchor))
          broken.push(`${file}: ${link} (no such heading)`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it('cites only design notes that are in the repository', () => {
    const notes = /(?<![\w/(-])(ARCHITECTURE|acs-wire-protocol|local-ai|functions-without-core-tools|local-host)\.md/g;
    const cited: string[] = [];
    for (const file of tracked.filter((f) => /\.(ts|js|mjs|md|bicep|json|ya?ml)$/.test(f))) {
      const text = readFileSync(join(repoRoot, file), 'utf8');
      for (const m of text.matchAll(notes)) cited.push(`${file}: ${m[0]}`);
    }
    assert.deepEqual(cited, [], 'cite them as docs/<name>.md, or link them from markdown');
  });
});
