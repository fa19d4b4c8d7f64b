// The explanation of which rule applies, laid out for reading: the chain of precedence from the
// source that wins (an exception on the file, then the project's calendar, then the class rule),
// each step with what it says and which fields of the result it decided.
import { locale, t } from '../i18n';
import type {
  DecidedField,
  Disposition,
  Explanation,
  ExplanationSource,
  ExplanationStep,
  Language,
  Period,
} from '../types';
import { formatDay, formatSensitivity } from './format';

export const DECIDED_FIELDS: readonly DecidedField[] = ['active', 'semi_active', 'disposition'];

/** One field of a step: what the source says for it, and whether that is what applies. */
export type StepField =
  | { field: 'active' | 'semi_active'; value: Period | null; decides: boolean }
  | { field: 'disposition'; value: Disposition | null; decides: boolean };

export interface PrecedenceStep {
  /** 1 for the source that wins over all the others. */
  rank: number;
  source: ExplanationSource;
  fields: StepField[];
  /** `true` when a more specific source replaced everything this one says. */
  overruled: boolean;
}

function stepFields(step: ExplanationStep): StepField[] {
  const decides = (field: DecidedField): boolean => step.decides.includes(field);
  return [
    { field: 'active', value: step.replacement.active, decides: decides('active') },
    { field: 'semi_active', value: step.replacement.semiActive, decides: decides('semi_active') },
    { field: 'disposition', value: step.replacement.disposition, decides: decides('disposition') },
  ];
}

/**
 * The chain in the order of precedence: the most specific source first (the core sends it the
 * other way, from the class rule up), numbered from 1.
 */
export function precedence(explanation: Explanation): PrecedenceStep[] {
  return [...explanation.chain].reverse().map((step, index) => ({
    rank: index + 1,
    source: step.source,
    fields: stepFields(step),
    overruled: step.decides.length === 0,
  }));
}

/** `Règle 0002, version 2, en vigueur le 23 novembre 2026`; `Project P-12, override #3`… */
export function sourceTitle(source: ExplanationSource, lang: Language = locale.current): string {
  switch (source.kind) {
    case 'rule':
      return t(
        'explain.source.rule',
        { number: source.number, version: source.version, date: formatDay(source.effectiveDate, lang) },
        lang,
      );
    case 'project_override':
      return t('explain.source.override', { project: source.project, id: source.id }, lang);
    case 'file_exception':
      return t('explain.source.file', undefined, lang);
  }
}

/** What an override is for: `classe A120, niveau confidentiel`; empty for another source. */
export function sourceScope(source: ExplanationSource, lang: Language = locale.current): string {
  if (source.kind !== 'project_override') return '';
  return overrideScope(source.class, source.sensitivity, lang);
}

export function overrideScope(
  cls: string | null,
  sensitivity: Parameters<typeof formatSensitivity>[0] | null,
  lang: Language = locale.current,
): string {
  const parts: string[] = [];
  if (cls !== null) parts.push(t('override.scope.class', { class: cls }, lang));
  if (sensitivity !== null) {
    parts.push(t('override.scope.level', { level: formatSensitivity(sensitivity, lang).toLocaleLowerCase(lang) }, lang));
  }
  return parts.join(', ');
}

/** The reason given for an override or an exception; empty for the rule. */
export function sourceReason(source: ExplanationSource): string {
  return source.kind === 'rule' ? '' : source.reason;
}

/** Which kind of source a step is, for its badge. */
export function sourceLevel(source: ExplanationSource): 'file' | 'project' | 'rule' {
  switch (source.kind) {
    case 'file_exception':
      return 'file';
    case 'project_override':
      return 'project';
    case 'rule':
      return 'rule';
  }
}
