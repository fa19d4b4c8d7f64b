// Reading the reports the core sends back, for display.
import type { CheckReport } from './types';

export interface CheckSummary {
  /** `PRAGMA integrity_check` answered exactly `ok`. */
  integrityOk: boolean;
  /** `PRAGMA cipher_integrity_check` reported no page. */
  cipherOk: boolean;
  /** The audit chain verified to its head. */
  auditOk: boolean;
  sound: boolean;
}

/** The same verdict as the core's `CheckReport::is_sound`, part by part. */
export function checkSummary(report: CheckReport): CheckSummary {
  const integrityOk = report.integrity.length === 1 && report.integrity[0] === 'ok';
  const cipherOk = report.cipherIntegrity.length === 0;
  const auditOk = report.audit.problem === null;
  return { integrityOk, cipherOk, auditOk, sound: integrityOk && cipherOk && auditOk };
}
