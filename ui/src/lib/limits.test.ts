import { describe, expect, it } from 'vitest';
import { LINE_MAX, REFERENCE_MAX, TEXT_MAX } from './limits';
/** The core's source, where the limits the inputs follow are defined. */
import register from '../../../crates/core/src/register.rs?raw';

function rustConst(name: string): number {
  const digits = new RegExp(`pub const ${name}: usize = ([0-9_]+);`).exec(register)?.[1];
  if (digits === undefined) throw new Error(`${name} is not defined in register.rs`);
  return Number(digits.replaceAll('_', ''));
}

describe('field limits', () => {
  it('stop the inputs where the core refuses text', () => {
    expect(LINE_MAX).toBe(rustConst('LINE_MAX'));
    expect(TEXT_MAX).toBe(rustConst('TEXT_MAX'));
    expect(Number(/\(1\.\.=([0-9]+)\)\.contains\(&n\)/.exec(register)?.[1])).toBe(REFERENCE_MAX);
  });
});
