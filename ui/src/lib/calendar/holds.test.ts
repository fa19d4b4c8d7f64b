import { describe, expect, it } from 'vitest';
import { holdTarget, personNumber } from './holds';

describe('holdTarget', () => {
  it('takes a reference, a class or a project as typed, without the spaces around', () => {
    expect(holdTarget('file', '  D-2019-0042 ')).toEqual({ type: 'file', value: 'D-2019-0042' });
    expect(holdTarget('class', '100-20-05')).toEqual({ type: 'class', value: '100-20-05' });
    expect(holdTarget('project', 'CLI-0142')).toEqual({ type: 'project', value: 'CLI-0142' });
  });

  it('says when nothing is typed', () => {
    expect(holdTarget('file', '   ')).toBe('missing');
    expect(holdTarget('person', '')).toBe('missing');
  });

  it('wants a person by their number, as the register shows it', () => {
    expect(holdTarget('person', '12')).toEqual({ type: 'person', value: 12 });
    expect(holdTarget('person', '#12')).toEqual({ type: 'person', value: 12 });
    expect(holdTarget('person', 'n° 7')).toEqual({ type: 'person', value: 7 });
    expect(holdTarget('person', 'Bélanger')).toBe('not_a_number');
    expect(holdTarget('person', '0')).toBe('not_a_number');
    expect(holdTarget('person', '1.5')).toBe('not_a_number');
  });
});

describe('personNumber', () => {
  it('reads the number from the core’s label', () => {
    expect(personNumber('person #12')).toBe(12);
    expect(personNumber('D-2019-0042')).toBeNull();
  });
});
