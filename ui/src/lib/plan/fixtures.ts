// Data for the plan's tests: rule 0002 of the real BAnQ schedule as the shell sends it, and a
// small bilingual plan with three levels.
import type { PlanClass, RetentionRule, RuleVersion } from '../types';

export const RULE_0002: RetentionRule = {
  number: '0002',
  versions: [
    {
      version: 1,
      effectiveDate: '2026-11-23',
      author: 'admin',
      recordedAt: '2026-11-23T19:38:44.893Z',
      origin: 'import',
      note: '',
      content: {
        organisationId: '00101010',
        transactionType: 'A',
        collection: 'MO- 2010',
        collectionNumber: '1101',
        seriesTitle: 'Mission et mandat',
        description: 'Documents relatifs à la mission, aux orientations et aux mandats de BAnQ.',
        processActivity:
          'Cette division regroupe les documents relatifs à la mission, aux orientations et aux mandats de BAnQ.',
        holdingUnits: 'Présidence et direction générale et direction du Bureau de la présidence',
        documentTypes: 'Correspondance; Étude; Rapport; Plan',
        legalReference: '',
        essential: true,
        confidential: false,
        periodRemarks: '',
        generalRemarks: '',
        grillechan: 'N',
        classes: ['A120'],
        trigger: { event: 'file_closed' },
        copies: [
          {
            kind: 'principal',
            delayNumber: null,
            media: 'PA,DM',
            active: { unit: 'while_in_use' },
            semiActive: { unit: 'years', count: 5 },
            disposition: 'keep',
            mediaRemark: null,
            activeRemark: null,
            semiActiveRemark: null,
            dispositionRemark: null,
          },
          {
            kind: 'secondary',
            delayNumber: null,
            media: 'PA,DM',
            active: { unit: 'while_in_use' },
            semiActive: { unit: 'years', count: 0 },
            disposition: 'destroy',
            mediaRemark: null,
            activeRemark: null,
            semiActiveRemark: null,
            dispositionRemark: null,
          },
        ],
      },
    },
  ],
};

export function currentOf(rule: RetentionRule): RuleVersion {
  const current = rule.versions.at(-1);
  if (!current) throw new Error('a rule has at least one version');
  return current;
}

function cls(
  id: number,
  code: string,
  parent: string | null,
  depth: number,
  titleFr: string,
  titleEn: string,
  rules: string[] = [],
  active = true,
): PlanClass {
  return {
    id,
    code,
    parent,
    depth,
    titleFr,
    titleEn,
    scopeNoteFr: '',
    scopeNoteEn: '',
    examples: '',
    active,
    rules,
  };
}

/** In tree order, as `list_classes` answers. */
export const SAMPLE_PLAN: PlanClass[] = [
  cls(1, '100', null, 0, 'Administration générale', 'General administration'),
  cls(2, '100-10', '100', 1, 'Constitution et mission', ''),
  cls(3, '100-20', '100', 1, 'Conseil municipal', 'Municipal council'),
  cls(4, '100-20-05', '100-20', 2, 'Procès-verbaux', 'Minutes', ['1001']),
  cls(5, '100-20-10', '100-20', 2, 'Résolutions et Règlements', 'Resolutions and by-laws', ['1002']),
  cls(6, '200', null, 0, 'Finances', 'Finance'),
  cls(7, '200-10', '200', 1, 'Budget', 'Budget', ['2001'], false),
  cls(8, 'A120', null, 0, '', '', ['0002']),
];
