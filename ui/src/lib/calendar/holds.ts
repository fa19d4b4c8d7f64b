// The hold form's target, and how a hold's target reads: the core labels a person's hold
// `person #12` whatever the language, so the screen says it in the user's.
import type { HoldTarget } from '../types';

export type TargetType = HoldTarget['type'];

export const TARGET_TYPES: readonly TargetType[] = ['file', 'class', 'project', 'person'];

/** What the form's target field gives: a target, or why it is not one yet. */
export function holdTarget(type: TargetType, text: string): HoldTarget | 'missing' | 'not_a_number' {
  const value = text.trim();
  if (value === '') return 'missing';
  if (type === 'person') {
    const id = /^(?:#|n°\s*)?(\d+)$/i.exec(value)?.[1];
    const number = id === undefined ? NaN : Number(id);
    return Number.isSafeInteger(number) && number > 0 ? { type: 'person', value: number } : 'not_a_number';
  }
  return { type, value };
}

/** The person's number in a hold's label (`person #12` → 12), else `null`. */
export function personNumber(label: string): number | null {
  const found = /#(\d+)\s*$/.exec(label.trim());
  return found ? Number(found[1]) : null;
}
