import { describe, expect, it } from 'vitest';
import { holdModal } from './modal';

/** A root element's class list, as far as `holdModal` uses it. */
function fakeRoot(): { classList: DOMTokenList; classes: Set<string> } {
  const classes = new Set<string>();
  const classList = {
    add: (name: string) => void classes.add(name),
    remove: (name: string) => void classes.delete(name),
  } as unknown as DOMTokenList;
  return { classList, classes };
}

describe('holdModal', () => {
  it('marks the root while any dialog is open, stacked dialogs included', () => {
    const root = fakeRoot();
    const first = holdModal(root);
    expect(root.classes.has('modal-open')).toBe(true);
    const second = holdModal(root);
    first();
    expect(root.classes.has('modal-open')).toBe(true);
    // Released twice (a cleanup run again) counts once.
    first();
    expect(root.classes.has('modal-open')).toBe(true);
    second();
    expect(root.classes.has('modal-open')).toBe(false);
  });
});
