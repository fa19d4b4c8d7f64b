import { describe, expect, it } from 'vitest';
import { checkSummary } from './report';
import type { CheckReport } from './types';

const sound: CheckReport = {
  integrity: ['ok'],
  cipherIntegrity: [],
  audit: {
    events: 42,
    head: { seq: 42, hash: 'ab'.repeat(32) },
    systemSigned: 3,
    erasedDetails: 0,
    problem: null,
  },
};

describe('checkSummary', () => {
  it('calls a clean report sound', () => {
    expect(checkSummary(sound)).toEqual({
      integrityOk: true,
      cipherOk: true,
      auditOk: true,
      sound: true,
    });
  });

  it('flags each part on its own', () => {
    expect(checkSummary({ ...sound, integrity: ['row 3 missing from index'] })).toMatchObject({
      integrityOk: false,
      sound: false,
    });
    expect(checkSummary({ ...sound, integrity: ['ok', 'ok'] }).integrityOk).toBe(false);
    expect(checkSummary({ ...sound, integrity: [] }).integrityOk).toBe(false);
    expect(checkSummary({ ...sound, cipherIntegrity: ['HMAC check failed for pgno=7'] })).toMatchObject({
      cipherOk: false,
      sound: false,
    });
    expect(
      checkSummary({ ...sound, audit: { ...sound.audit, problem: { seq: 7, fault: 'edited' } } }),
    ).toMatchObject({ auditOk: false, sound: false });
  });
});
