import { describe, expect, it } from 'vitest';
import { t } from '../i18n';
import type { DueDates, PlanClass, Project } from '../types';
import {
  classTitle,
  dueSummary,
  facetValueLabel,
  formatCategory,
  formatFileCount,
  formatStatus,
  problemLines,
  waitingText,
} from './format';

const cls = (code: string, titleFr: string, titleEn: string): PlanClass => ({
  id: 1,
  code,
  parent: null,
  depth: 0,
  titleFr,
  titleEn,
  scopeNoteFr: '',
  scopeNoteEn: '',
  examples: '',
  active: true,
  rules: ['1001'],
});

const project = (code: string): Project => ({
  code,
  name: 'Mandat',
  owner: 'hcote',
  sensitivity: 'personal',
  active: true,
  createdAt: '2026-01-01T00:00:00Z',
  overrides: [],
});

describe('register labels', () => {
  it('counts files in both languages, with the locale’s digit groups', () => {
    // fr-CA groups with a no-break space (narrow or not, depending on the ICU data).
    expect(formatFileCount(1_000_000, 'fr').replace(/[\u00a0\u202f]/g, ' ')).toBe('1 000 000 dossiers');
    expect(formatFileCount(1, 'fr')).toBe('1 dossier');
    expect(formatFileCount(1_000_000, 'en')).toBe('1,000,000 files');
    expect(formatFileCount(0, 'en')).toBe('0 files');
  });

  it('names statuses and categories, and shows a category it does not know as written', () => {
    expect(formatStatus('transferred', 'fr')).toBe('Versé aux archives');
    expect(formatStatus('semi_active', 'en')).toBe('Semi-active');
    expect(formatCategory('health', 'fr')).toBe('Santé');
    expect(formatCategory('blood_type', 'en')).toBe('blood_type');
  });

  it('shows facet values as people read them: codes as the plan writes them', () => {
    const lookup = { classes: [cls('A120', 'Mission', 'Mission')], projects: [project('MANDAT-7')] };
    expect(facetValueLabel('class', 'a120', lookup)).toBe('A120');
    expect(facetValueLabel('class', 'b9', lookup), 'unknown to the plan').toBe('B9');
    expect(facetValueLabel('project', 'mandat-7', lookup)).toBe('MANDAT-7');
    expect(facetValueLabel('project', 'none', lookup, 'fr')).toBe('Sans projet');
    expect(facetValueLabel('status', 'on_hold', lookup, 'en')).toBe('On hold');
    expect(facetValueLabel('sensitivity', 'personal', lookup, 'fr')).toBe('Renseignements personnels');
    expect(facetValueLabel('due', '2031', lookup)).toBe('2031');
    expect(facetValueLabel('due', 'pending', lookup, 'en')).toBe('No date yet');
  });

  it('gives a class’s title in the interface’s language, else the other', () => {
    const classes = [cls('100', 'Administration', ''), cls('200', 'Finances', 'Finance')];
    expect(classTitle('200', classes, 'en')).toBe('Finance');
    expect(classTitle('100', classes, 'en')).toBe('Administration');
    expect(classTitle('999', classes, 'fr')).toBe('');
    expect(classTitle('100', null, 'fr')).toBe('');
  });
});

describe('due dates in words', () => {
  const base: DueDates = {
    triggerDate: '2021-12-17',
    activeUntil: '2023-12-17',
    semiActiveUntil: '2028-12-17',
    disposition: 'destroy',
    waitingFor: null,
  };

  it('says the final disposition and its date', () => {
    expect(dueSummary(base, 'fr')).toBe('Destruction le 17 décembre 2028');
    expect(dueSummary(base, 'en')).toBe('Destroy on December 17, 2028');
    expect(waitingText(base, 'en')).toBe('');
  });

  it('says what a file without a date waits for', () => {
    const waiting: DueDates = {
      ...base,
      triggerDate: null,
      activeUntil: null,
      semiActiveUntil: null,
      waitingFor: { kind: 'event', event: { event: 'file_closed' } },
    };
    expect(dueSummary(waiting, 'en')).toBe('No date yet: waiting for “File closed”');
    expect(dueSummary(waiting, 'fr')).toBe(
      'Pas encore de date\u00a0: en attente de l’événement «\u00a0Fermeture du dossier\u00a0»',
    );
    const open: DueDates = { ...waiting, waitingFor: { kind: 'open_period', period: { unit: 'while_in_use' } } };
    expect(waitingText(open, 'en')).toBe('No date yet: the period “while in use” has no known end');
  });
});

describe('problemLines', () => {
  it('cuts a refused sheet’s message into its sentence and one problem a line', () => {
    const message =
      'Le fichier a 2 problèmes ; rien n’a été importé :\n  - ligne 3, colonne « classe » : …\n  - ligne 4 : …\n  … et 3 autre(s)';
    expect(problemLines(message)).toEqual([
      { text: 'Le fichier a 2 problèmes ; rien n’a été importé :', item: false },
      { text: 'ligne 3, colonne « classe » : …', item: true },
      { text: 'ligne 4 : …', item: true },
      { text: '… et 3 autre(s)', item: false },
    ]);
    expect(problemLines('Impossible de lire le fichier.')).toEqual([{ text: 'Impossible de lire le fichier.', item: false }]);
  });
});

describe('the search help', () => {
  it('writes the field names of the interface’s language', () => {
    expect(t('register.help.classExample', undefined, 'fr')).toBe('classe:200-20');
    expect(t('register.help.classExample', undefined, 'en')).toBe('class:200-20');
    expect(t('register.help.personExample', undefined, 'fr')).toMatch(/^personne:/);
    expect(t('register.help.referenceExample', undefined, 'en')).toMatch(/^ref:/);
  });
});
