import { describe, expect, it } from 'vitest';
import type { Person } from '../types';
import {
  birthDateChanged,
  checkFields,
  checkLinkForm,
  editChangesNothing,
  editFromFields,
  elementIdOf,
  emptyFields,
  emptyLinkForm,
  fieldsFromPerson,
  firstProblem,
  linkFromForm,
  type LinkForm,
  type PersonFields,
  type PersonProblems,
} from './personForm';

const TODAY = '2026-05-09';

const zoe: Person = {
  id: 1,
  key: 'E-0412',
  lastName: 'Bélanger',
  firstName: 'Zoé',
  birthDate: '1985-07-14',
  identifiers: [
    { kind: 'sin', masked: '••• ••• 286' },
    { kind: 'employee_number', masked: '•-•412' },
  ],
  files: [],
};

function fields(partial: Partial<PersonFields> = {}): PersonFields {
  return { ...emptyFields(), lastName: 'Bélanger', ...partial };
}

function form(partial: Partial<LinkForm> = {}): LinkForm {
  const base = emptyLinkForm();
  return {
    ...base,
    existing: 1,
    purposes: [{ purpose: 'Gestion du dossier d’emploi', consent: 'given', consentDate: '2010-05-01', consentSource: 'formulaire' }],
    ...partial,
  };
}

/** The problems found, as `field → message key`, so that a case reads as one line. */
function check(input: LinkForm, expected: PersonProblems, linked: number[] = []): void {
  expect(checkLinkForm(input, TODAY, linked)).toEqual(expected);
}

describe('checkLinkForm', () => {
  it('opens on finding an existing person, with one purpose to fill in', () => {
    const opened = emptyLinkForm();
    expect(opened.mode).toBe('existing');
    expect(opened.purposes).toHaveLength(1);
    check(opened, { existing: 'personForm.choosePerson', 'purpose-0': 'validation.required' });
  });

  it('accepts a person found who is not on the file yet', () => {
    check(form(), {});
  });

  it('refuses a person the file already has', () => {
    check(form(), { existing: 'personForm.alreadyLinked' }, [3, 1]);
  });

  it('checks a new person’s fields instead of a choice in the new mode', () => {
    check(form({ mode: 'new', existing: null, person: fields({ lastName: '  ' }) }), { lastName: 'validation.required' });
    check(form({ mode: 'new', existing: null, person: fields() }), {});
  });

  it('wants at least one purpose, each with its text and a consent date that has come', () => {
    check(form({ purposes: [] }), { purposes: 'personForm.purposeNeeded' });
    check(
      form({
        purposes: [
          { purpose: 'Assurance collective', consent: 'not_required', consentDate: '', consentSource: '' },
          { purpose: ' ', consent: 'given', consentDate: '2026-02-30', consentSource: '' },
          { purpose: 'Sondage', consent: 'given', consentDate: '2026-05-10', consentSource: '' },
        ],
      }),
      { 'purpose-1': 'validation.required', 'consentDate-1': 'revise.dateFormat', 'consentDate-2': 'personForm.consentInFuture' },
    );
  });
});

describe('checkFields', () => {
  it.each<[string, Partial<PersonFields>, PersonProblems]>([
    ['a last name is enough', {}, {}],
    ['the last name is required', { lastName: '' }, { lastName: 'validation.required' }],
    ['a date of birth is a date', { birthDate: '14/07/1985' }, { birthDate: 'revise.dateFormat' }],
    ['a date of birth that does not exist', { birthDate: '1985-02-29' }, { birthDate: 'revise.dateFormat' }],
    ['nobody is born tomorrow', { birthDate: '2026-05-10' }, { birthDate: 'personForm.birthInFuture' }],
    ['born today is fine', { birthDate: TODAY }, {}],
    [
      'an identifier line needs its value',
      { identifiers: [{ kind: 'sin', value: '046 454 286' }, { kind: 'other', value: '  ' }] },
      { 'identifier-1': 'personForm.identifierEmpty' },
    ],
    [
      'an identifier needs a letter or a digit, as the core wants',
      { identifiers: [{ kind: 'other', value: '--- ' }] },
      { 'identifier-0': 'personForm.identifierNoCharacter' },
    ],
    [
      'the same identifier twice, spaced differently, is said on the second',
      { identifiers: [{ kind: 'sin', value: '046 454 286' }, { kind: 'sin', value: '046-454-286' }] },
      { 'identifier-1': 'personForm.identifierRepeated' },
    ],
    [
      'the same value under two kinds is two identifiers',
      { identifiers: [{ kind: 'client_number', value: 'E-0412' }, { kind: 'employee_number', value: 'E-0412' }] },
      {},
    ],
  ])('%s', (_, partial, expected) => {
    expect(checkFields(fields(partial), TODAY)).toEqual(expected);
  });
});

describe('firstProblem', () => {
  it('follows the order the form shows its fields in', () => {
    expect(firstProblem({})).toBeNull();
    expect(firstProblem({ 'purpose-0': 'validation.required', lastName: 'validation.required' })).toBe('lastName');
    expect(firstProblem({ 'identifier-10': 'personForm.identifierEmpty', 'identifier-2': 'personForm.identifierEmpty' })).toBe(
      'identifier-2',
    );
    expect(firstProblem({ 'consentDate-0': 'revise.dateFormat', 'purpose-1': 'validation.required' })).toBe('consentDate-0');
    expect(firstProblem({ 'purpose-0': 'validation.required', purposes: 'personForm.purposeNeeded' })).toBe('purposes');
  });

  it('names elements that exist in the dialogs (their ids are their test ids)', () => {
    expect(elementIdOf('existing')).toBe('person-search');
    expect(elementIdOf('lastName')).toBe('person-last-name');
    expect(elementIdOf('identifier-3')).toBe('person-identifier-value-3');
    expect(elementIdOf('purpose-2')).toBe('person-purpose-2');
    expect(elementIdOf('consentDate-2')).toBe('person-purpose-2-date');
    expect(elementIdOf('categories')).toBe('person-category-sin');
  });
});

describe('linkFromForm', () => {
  it('links a person found by their number', () => {
    expect(linkFromForm(form({ categories: ['health', 'sin'] }))).toEqual({
      person: { existing: 1 },
      // In the core's order, whatever order they were ticked in.
      categories: ['sin', 'health'],
      purposes: [{ purpose: 'Gestion du dossier d’emploi', consent: 'given', consentDate: '2010-05-01', consentSource: 'formulaire' }],
    });
  });

  it('creates a new person, trimmed, with nulls for what was left empty', () => {
    const link = linkFromForm(
      form({
        mode: 'new',
        existing: 7,
        person: {
          lastName: ' Lévesque-Gagnon ',
          firstName: 'Éloïse',
          birthDate: '',
          externalKey: ' ',
          identifiers: [{ kind: 'health_insurance', value: ' LEVE 7902 0312 ' }],
        },
        purposes: [{ purpose: ' Traitement de la demande ', consent: 'not_required', consentDate: ' ', consentSource: ' art. 9 ' }],
      }),
    );
    expect(link).toEqual({
      person: {
        new: {
          lastName: 'Lévesque-Gagnon',
          firstName: 'Éloïse',
          birthDate: null,
          externalKey: null,
          identifiers: [{ kind: 'health_insurance', value: 'LEVE 7902 0312' }],
        },
      },
      categories: [],
      purposes: [{ purpose: 'Traitement de la demande', consent: 'not_required', consentDate: null, consentSource: 'art. 9' }],
    });
  });

  it('refuses to build a link to nobody', () => {
    expect(() => linkFromForm(form({ existing: null }))).toThrow();
  });
});

describe('the edit', () => {
  it('starts from the person, identifiers empty since they are only known masked', () => {
    expect(fieldsFromPerson(zoe)).toEqual({
      lastName: 'Bélanger',
      firstName: 'Zoé',
      birthDate: '1985-07-14',
      externalKey: 'E-0412',
      identifiers: [],
    });
  });

  it('keeps the identifiers when none is typed, replaces them with those typed, removes them when asked', () => {
    const start = fieldsFromPerson(zoe);
    expect(editFromFields(start).identifiers).toBeNull();
    expect(editFromFields(start, true).identifiers).toEqual([]);
    const retyped = { ...start, identifiers: [{ kind: 'sin' as const, value: '046 454 286 ' }] };
    expect(editFromFields(retyped, true).identifiers).toEqual([{ kind: 'sin', value: '046 454 286' }]);
  });

  it('tells an edit that changes nothing', () => {
    const start = fieldsFromPerson(zoe);
    expect(editChangesNothing(start, zoe)).toBe(true);
    expect(editChangesNothing({ ...start, firstName: 'Zoé ' }, zoe), 'spaces around are not a change').toBe(true);
    expect(editChangesNothing({ ...start, externalKey: '' }, zoe)).toBe(false);
    expect(editChangesNothing(start, zoe, true), 'removing her identifiers').toBe(false);
    expect(editChangesNothing(start, { ...zoe, identifiers: [] }, true), 'removing none').toBe(true);
  });

  it('tells a change of the date of birth (the files counted from it move)', () => {
    const start = fieldsFromPerson(zoe);
    expect(birthDateChanged(start, zoe)).toBe(false);
    expect(birthDateChanged({ ...start, birthDate: '1985-07-15' }, zoe)).toBe(true);
    expect(birthDateChanged({ ...start, birthDate: ' ' }, zoe)).toBe(true);
    expect(birthDateChanged(fields({ birthDate: '' }), { ...zoe, birthDate: null })).toBe(false);
  });
});
