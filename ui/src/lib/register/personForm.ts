// The persons of a file, one at a time: the "Add a person" form (an existing person or a new
// one, the categories of information the file holds about them, the purposes and consents),
// the "Edit person" form, and the link or edit they make. The checks are for comfort: the core
// checks for real (a held file, a person already linked, a taken key, an identifier refused).
import type { MessageKey } from '../i18n';
import { isIsoDate } from '../plan/revision';
import type {
  Consent,
  Identifier,
  IdentifierKind,
  InfoCategory,
  NewPerson,
  Person,
  PersonEdit,
  PersonLink,
  Purpose,
} from '../types';
import { INFO_CATEGORIES } from './format';

/** An identifier as typed: a kind and a value. */
export interface IdentifierRow {
  kind: IdentifierKind;
  value: string;
}

/** A purpose as typed; '' for no date. */
export interface PurposeRow {
  purpose: string;
  consent: Consent;
  consentDate: string;
  consentSource: string;
}

/** A person's own fields as typed; '' for "none". */
export interface PersonFields {
  lastName: string;
  firstName: string;
  birthDate: string;
  externalKey: string;
  identifiers: IdentifierRow[];
}

/** Find a person already in the register, or type a new one. */
export type PersonMode = 'existing' | 'new';

/** The "Add a person" form. */
export interface LinkForm {
  mode: PersonMode;
  /** The person chosen among those found (`existing` mode). */
  existing: number | null;
  /** The new person (`new` mode). */
  person: PersonFields;
  categories: InfoCategory[];
  purposes: PurposeRow[];
}

/** Where a problem sits: a field, an identifier's value or a purpose's line, by position. */
export type PersonField =
  | 'existing'
  | 'lastName'
  | 'birthDate'
  | 'externalKey'
  /** The identifiers as a whole (the core's refusal does not say which one). */
  | 'identifiers'
  | `identifier-${number}`
  | 'categories'
  | 'purposes'
  | `purpose-${number}`
  | `consentDate-${number}`;

export type PersonProblems = Partial<Record<PersonField, MessageKey>>;

export function emptyFields(): PersonFields {
  return { lastName: '', firstName: '', birthDate: '', externalKey: '', identifiers: [] };
}

export function emptyIdentifier(): IdentifierRow {
  return { kind: 'sin', value: '' };
}

/** A purpose whose consent is not known yet: the core's default. */
export function emptyPurpose(): PurposeRow {
  return { purpose: '', consent: 'unknown', consentDate: '', consentSource: '' };
}

/** The form as it opens: finding an existing person first (so as not to create a double), one purpose. */
export function emptyLinkForm(): LinkForm {
  return { mode: 'existing', existing: null, person: emptyFields(), categories: [], purposes: [emptyPurpose()] };
}

/**
 * A person as the edit form starts from them. Their identifiers are never sent to the screen
 * in clear, so the form cannot show them: it starts without any; none typed keeps the current
 * ones, those typed replace them all (see `editFromFields`).
 */
export function fieldsFromPerson(person: Person): PersonFields {
  return {
    lastName: person.lastName,
    firstName: person.firstName,
    birthDate: person.birthDate ?? '',
    externalKey: person.key ?? '',
    identifiers: [],
  };
}

/** An identifier without spaces, dashes or case, as the core compares them. */
export function normalizeIdentifier(value: string): string {
  return Array.from(value)
    .filter((c) => /[\p{L}\p{N}]/u.test(c))
    .join('')
    .toUpperCase();
}

/** What can be told of a person's fields before asking the core. */
export function checkFields(fields: PersonFields, today: string): PersonProblems {
  const problems: PersonProblems = {};
  if (fields.lastName.trim() === '') problems.lastName = 'validation.required';
  const birth = fields.birthDate.trim();
  if (birth !== '' && !isIsoDate(birth)) problems.birthDate = 'revise.dateFormat';
  else if (birth !== '' && birth > today) problems.birthDate = 'personForm.birthInFuture';
  const seen = new Set<string>();
  fields.identifiers.forEach((row, i) => {
    const value = normalizeIdentifier(row.value);
    if (row.value.trim() === '') problems[`identifier-${i}`] = 'personForm.identifierEmpty';
    else if (value === '') problems[`identifier-${i}`] = 'personForm.identifierNoCharacter';
    else if (seen.has(`${row.kind}:${value}`)) problems[`identifier-${i}`] = 'personForm.identifierRepeated';
    seen.add(`${row.kind}:${value}`);
  });
  return problems;
}

/**
 * What can be told of the "Add a person" form: a person chosen who is not already on the file
 * (`linked`: the file's persons), or a new one's fields; at least one purpose, each named, its
 * consent date a date that has come.
 */
export function checkLinkForm(form: LinkForm, today: string, linked: readonly number[] = []): PersonProblems {
  const problems: PersonProblems = {};
  if (form.mode === 'existing') {
    if (form.existing === null) problems.existing = 'personForm.choosePerson';
    else if (linked.includes(form.existing)) problems.existing = 'personForm.alreadyLinked';
  } else {
    Object.assign(problems, checkFields(form.person, today));
  }
  if (form.purposes.length === 0) problems.purposes = 'personForm.purposeNeeded';
  form.purposes.forEach((row, i) => {
    if (row.purpose.trim() === '') problems[`purpose-${i}`] = 'validation.required';
    const date = row.consentDate.trim();
    if (date !== '' && !isIsoDate(date)) problems[`consentDate-${i}`] = 'revise.dateFormat';
    else if (date !== '' && date > today) problems[`consentDate-${i}`] = 'personForm.consentInFuture';
  });
  return problems;
}

/** The first field with a problem, in the order the form shows them (for focus). */
export function firstProblem(problems: PersonProblems): PersonField | null {
  const rank = (field: string): [number, number] => {
    const at = /-(\d+)$/.exec(field);
    const n = at ? Number(at[1]) : 0;
    if (field === 'existing') return [0, 0];
    if (field === 'lastName') return [1, 0];
    if (field === 'birthDate') return [2, 0];
    if (field === 'externalKey') return [3, 0];
    if (field === 'identifiers') return [4, 0];
    if (field.startsWith('identifier-')) return [5, n];
    if (field === 'categories') return [6, 0];
    if (field === 'purposes') return [7, 0];
    // A purpose's line: its name, then its consent date.
    return [8, n * 2 + (field.startsWith('consentDate-') ? 1 : 0)];
  };
  const fields = (Object.keys(problems) as PersonField[]).filter((f) => problems[f] !== undefined);
  fields.sort((a, b) => {
    const [ra, na] = rank(a);
    const [rb, nb] = rank(b);
    return ra - rb || na - nb;
  });
  return fields[0] ?? null;
}

function optional(value: string): string | null {
  return value.trim() === '' ? null : value.trim();
}

function identifiersOf(rows: readonly IdentifierRow[]): Identifier[] {
  return rows.map((row) => ({ kind: row.kind, value: row.value.trim() }));
}

/** A new person as the core gets them. */
export function newPersonFromFields(fields: PersonFields): NewPerson {
  return {
    lastName: fields.lastName.trim(),
    firstName: fields.firstName.trim(),
    birthDate: optional(fields.birthDate),
    externalKey: optional(fields.externalKey),
    identifiers: identifiersOf(fields.identifiers),
  };
}

/** The link the core gets: the person, the categories in the core's order, the purposes. */
export function linkFromForm(form: LinkForm): PersonLink {
  if (form.mode === 'existing' && form.existing === null) throw new Error('no person chosen');
  const person: PersonLink['person'] =
    form.mode === 'existing' && form.existing !== null ? { existing: form.existing } : { new: newPersonFromFields(form.person) };
  const purposes: Purpose[] = form.purposes.map((row) => ({
    purpose: row.purpose.trim(),
    consent: row.consent,
    consentDate: optional(row.consentDate),
    consentSource: row.consentSource.trim(),
  }));
  return { person, categories: INFO_CATEGORIES.filter((c) => form.categories.includes(c)), purposes };
}

/**
 * The edit the core gets. The identifiers typed replace the person's; none typed keeps them
 * (`null`), unless `removeIdentifiers` asks for them all to go (an empty list).
 */
export function editFromFields(fields: PersonFields, removeIdentifiers = false): PersonEdit {
  const person = newPersonFromFields(fields);
  const identifiers = person.identifiers.length > 0 ? person.identifiers : removeIdentifiers ? [] : null;
  return { ...person, identifiers };
}

/** Whether the date of birth typed differs from the person's (their files' due dates will move). */
export function birthDateChanged(fields: PersonFields, person: Person): boolean {
  return optional(fields.birthDate) !== person.birthDate;
}

/**
 * Whether the edit would change nothing: the same names, date of birth and key, and the
 * identifiers kept (none typed, none removed; removing none from a person who has none).
 */
export function editChangesNothing(fields: PersonFields, person: Person, removeIdentifiers = false): boolean {
  const edit = editFromFields(fields, removeIdentifiers);
  return (
    edit.lastName === person.lastName &&
    edit.firstName === person.firstName &&
    edit.birthDate === person.birthDate &&
    edit.externalKey === person.key &&
    (edit.identifiers === null || (edit.identifiers.length === 0 && person.identifiers.length === 0))
  );
}

/** The element a problem's field is, by id (the ids double as test ids), to give it focus. */
export function elementIdOf(field: PersonField): string {
  const at = /-(\d+)$/.exec(field);
  const n = at?.[1] ?? '0';
  if (field === 'existing') return 'person-search';
  if (field === 'lastName') return 'person-last-name';
  if (field === 'birthDate') return 'person-birth-date';
  if (field === 'externalKey') return 'person-external-key';
  if (field === 'identifiers') return 'person-identifier-add';
  if (field.startsWith('identifier-')) return `person-identifier-value-${n}`;
  if (field === 'categories') return `person-category-${INFO_CATEGORIES[0] ?? 'sin'}`;
  if (field === 'purposes') return 'person-purpose-add';
  if (field.startsWith('consentDate-')) return `person-purpose-${n}-date`;
  return `person-purpose-${n}`;
}
