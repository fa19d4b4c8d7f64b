// Display helpers for file-system paths shown to the user.

/**
 * Splits a path after each separator (`/` or `\`), so that a long path can wrap between
 * folder names: `/home/a/b` gives `['/', 'home/', 'a/', 'b']`. Joining the parts gives back
 * the path unchanged.
 */
export function pathSegments(path: string): string[] {
  return path.match(/[^/\\]*(?:[/\\]|$)/g)?.filter((part) => part !== '') ?? [];
}
