import { describe, expect, it } from 'vitest';
import { pathSegments } from './paths';

describe('pathSegments', () => {
  it.each<[string, string[]]>([
    ['/home/a/b', ['/', 'home/', 'a/', 'b']],
    ['C:\\Users\\Zoé\\Greffier\\', ['C:\\', 'Users\\', 'Zoé\\', 'Greffier\\']],
    ['relative', ['relative']],
    ['', []],
  ])('%s', (path, expected) => {
    const parts = pathSegments(path);
    expect(parts).toEqual(expected);
    expect(parts.join(''), 'no character may be lost or added').toBe(path);
  });
});
