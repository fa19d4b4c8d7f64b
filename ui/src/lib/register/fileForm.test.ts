import { describe, expect, it } from 'vitest';
import type { FileRecord } from '../types';
import { checkForm, draftFromForm, emptyForm, firstProblem, formFromRecord, parseKeywords } from './fileForm';

const record: FileRecord = {
  id: 7,
  reference: 'D-2019-0042',
  class: '200-20-05',
  classTitleFr: 'Comptes fournisseurs',
  classTitleEn: 'Accounts payable',
  rule: '2002',
  ruleVersion: 1,
  project: 'CLI-0142',
  title: 'Électricité à Québec',
  description: 'Contrat de service',
  keywords: ['éclairage', 'Limoilou'],
  dates: {
    openedOn: '2019-02-11',
    closedOn: '2021-12-17',
    contractEndedOn: null,
    lastActivityOn: null,
    other: { 'fin du mandat': '2022-01-31' },
  },
  holder: 'Travaux publics',
  location: 'Salle 214',
  medium: 'hybrid',
  sensitivity: 'internal',
  status: 'semi_active',
  notes: '',
  exception: { replacement: { active: null, semiActive: { unit: 'years', count: 7 }, disposition: null }, reason: 'Litige' },
  due: { triggerDate: null, activeUntil: null, semiActiveUntil: null, disposition: 'destroy', waitingFor: null },
  explanation: {
    class: '200-20-05',
    project: null,
    sensitivity: null,
    copy: 'principal',
    active: { unit: 'years', count: 2 },
    semiActive: { unit: 'years', count: 5 },
    disposition: 'destroy',
    trigger: { event: 'file_closed' },
    chain: [],
  },
  persons: [],
  createdAt: '2026-03-12T15:20:00Z',
  updatedAt: '2026-05-02T13:45:00Z',
};

describe('the file form', () => {
  it('starts a new file opened today, on paper, at the project’s level', () => {
    const form = emptyForm('2026-11-23');
    expect(form.openedOn).toBe('2026-11-23');
    expect(form.medium).toBe('paper');
    expect(form.sensitivity).toBe('');
  });

  it('edits a file and gives back the same draft, keeping what the form does not show', () => {
    const draft = draftFromForm(formFromRecord(record), record);
    expect(draft).toEqual({
      reference: 'D-2019-0042',
      class: '200-20-05',
      rule: '2002',
      project: 'CLI-0142',
      title: 'Électricité à Québec',
      description: 'Contrat de service',
      keywords: ['éclairage', 'Limoilou'],
      dates: record.dates,
      holder: 'Travaux publics',
      location: 'Salle 214',
      medium: 'hybrid',
      sensitivity: 'internal',
      notes: '',
      exception: record.exception,
    });
  });

  it('trims the text and turns empty fields into none', () => {
    const draft = draftFromForm({ ...emptyForm(''), reference: ' R-1 ', class: '100', title: ' Titre ', project: '' });
    expect(draft.reference).toBe('R-1');
    expect(draft.title).toBe('Titre');
    expect(draft.project).toBeNull();
    expect(draft.rule).toBeNull();
    expect(draft.dates.openedOn).toBeNull();
    expect(draft.dates.closedOn, 'a new file is not closed').toBeNull();
    expect(draft.exception).toBeNull();
  });

  it('reads keywords separated by commas, semicolons or lines, without repeats', () => {
    expect(parseKeywords('neige, rues; Neige\n déneigement ,')).toEqual(['neige', 'rues', 'déneigement']);
    expect(parseKeywords('  ')).toEqual([]);
  });

  it('checks what it can before asking the core', () => {
    const problems = checkForm({ ...emptyForm('2026-13-01'), reference: 'x'.repeat(65) });
    expect(problems).toEqual({
      reference: 'fileForm.referenceTooLong',
      class: 'validation.required',
      title: 'validation.required',
      openedOn: 'revise.dateFormat',
    });
    expect(firstProblem(problems)).toBe('reference');
    // 64 characters, some outside the BMP, are fine: the core counts characters.
    const long = '𝄞'.repeat(64);
    expect(checkForm({ ...emptyForm(''), reference: long, class: '100', title: 'T' })).toEqual({});
  });

  it('refuses an opening after the closing of the file edited', () => {
    const form = { ...formFromRecord(record), openedOn: '2022-01-01' };
    expect(checkForm(form, '2021-12-17')).toEqual({ openedOn: 'fileForm.openedAfterClosed' });
    expect(firstProblem({})).toBeNull();
  });
});
