// Checks the built front end (ui/dist) against what the desktop shell's CSP allows:
//   default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;
//   font-src 'self'; connect-src ipc: http://ipc.localhost
// Run by `npm run build` after `vite build`; exits non-zero and names every offence.
// A string check, not a browser: it catches what a dependency or a config change would most
// plausibly bring in (eval, inline scripts, resources from another origin).
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;

/** @type {{ file: string; problem: string }[]} */
const offences = [];

/** @param {string} dir @returns {string[]} */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** @param {string} file @param {string} text @param {[RegExp, string][]} rules */
function check(file, text, rules) {
  for (const [pattern, problem] of rules) {
    const match = pattern.exec(text);
    if (match) offences.push({ file: relative(dist, file), problem: `${problem}: ${match[0].slice(0, 80)}` });
  }
}

const files = filesUnder(dist);
if (!files.some((f) => f.endsWith('index.html'))) {
  offences.push({ file: 'index.html', problem: 'missing: run vite build first' });
}

for (const file of files) {
  if (file.endsWith('.js')) {
    check(file, readFileSync(file, 'utf8'), [
      [/\beval\s*\(/, "eval needs 'unsafe-eval'"],
      [/\bnew\s+Function\s*\(/, "the Function constructor needs 'unsafe-eval'"],
      [/\bimport\s*\(\s*["'`]https?:/, 'a module imported from another origin'],
      [/\bfetch\s*\(\s*["'`]https?:/, 'a fetch to another origin'],
    ]);
  } else if (file.endsWith('.css')) {
    check(file, readFileSync(file, 'utf8'), [
      [/url\(\s*["']?(?:https?:)?\/\//, 'a resource from another origin'],
      [/@import/, '@import (fonts and styles must be bundled)'],
    ]);
  } else if (file.endsWith('.html')) {
    check(file, readFileSync(file, 'utf8'), [
      [/<script(?![^>]*\bsrc=)[^>]*>/, "an inline script needs 'unsafe-inline'"],
      [/\s(?:src|href)\s*=\s*["']?(?:https?:)?\/\//, 'a resource from another origin'],
      [/\son[a-z]+\s*=/, "an inline event handler needs 'unsafe-inline'"],
    ]);
  }
}

if (offences.length > 0) {
  for (const { file, problem } of offences) console.error(`check-dist: ${file}: ${problem}`);
  process.exit(1);
}
console.log(`check-dist: ${files.length} files in dist/ fit the CSP`);
