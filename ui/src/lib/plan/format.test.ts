import { describe, expect, it } from 'vitest';
import {
  counted,
  dispositionCode,
  dispositionWithCode,
  formatCopy,
  formatDisposition,
  formatFlag,
  formatMedia,
  formatPeriod,
  formatSensitivity,
  formatTrigger,
  isVariable,
  periodCode,
  samePeriod,
} from './format';

describe('periods', () => {
  it.each([
    [{ unit: 'years', count: 5 }, '5 ans', '5 years'],
    [{ unit: 'years', count: 1 }, '1 an', '1 year'],
    [{ unit: 'years', count: 0 }, '0 an', '0 years'],
    [{ unit: 'months', count: 1 }, '1 mois', '1 month'],
    [{ unit: 'months', count: 18 }, '18 mois', '18 months'],
    [{ unit: 'until_event' }, 'jusqu’à un événement', 'until an event'],
    [{ unit: 'while_in_use' }, 'tant qu’utile', 'while in use'],
  ] as const)('%j reads “%s” and “%s”', (period, fr, en) => {
    expect(formatPeriod(period, 'fr')).toBe(fr);
    expect(formatPeriod(period, 'en')).toBe(en);
  });

  it('gives the exchange format’s codes: 888, 999, years', () => {
    expect(periodCode({ unit: 'until_event' })).toBe('888');
    expect(periodCode({ unit: 'while_in_use' })).toBe('999');
    expect(periodCode({ unit: 'years', count: 7 })).toBe('7');
    expect(periodCode({ unit: 'months', count: 6 })).toBeNull();
    expect(isVariable({ unit: 'until_event' })).toBe(true);
    expect(isVariable({ unit: 'years', count: 888 - 1 })).toBe(false);
  });

  it('compares periods by value', () => {
    expect(samePeriod({ unit: 'years', count: 5 }, { unit: 'years', count: 5 })).toBe(true);
    expect(samePeriod({ unit: 'years', count: 5 }, { unit: 'years', count: 7 })).toBe(false);
    expect(samePeriod({ unit: 'years', count: 1 }, { unit: 'months', count: 1 })).toBe(false);
    expect(samePeriod({ unit: 'while_in_use' }, { unit: 'while_in_use' })).toBe(true);
    expect(samePeriod(null, null)).toBe(true);
    expect(samePeriod(null, { unit: 'until_event' })).toBe(false);
  });
});

describe('dispositions', () => {
  it.each([
    ['keep', 'C', 'Conservation', 'Keep permanently'],
    ['destroy', 'D', 'Destruction', 'Destroy'],
    ['sort', 'T', 'Tri', 'Sort or sample'],
  ] as const)('%s is %s, “%s”, “%s”', (disposition, code, fr, en) => {
    expect(dispositionCode(disposition)).toBe(code);
    expect(formatDisposition(disposition, 'fr')).toBe(fr);
    expect(formatDisposition(disposition, 'en')).toBe(en);
    expect(dispositionWithCode(disposition, 'en')).toBe(`${code} — ${en}`);
  });
});

describe('the event that starts the clock', () => {
  it.each([
    [{ event: 'file_closed' }, 'Fermeture du dossier', 'File closed'],
    [{ event: 'contract_ended' }, 'Fin du contrat ou de l’emploi', 'End of the contract or employment'],
    [{ event: 'last_activity' }, 'Dernière activité au dossier', 'Last activity on the file'],
    [{ event: 'birth_date' }, 'Date de naissance de la personne', 'The person’s date of birth'],
    [{ event: 'file_date', field: 'fin du mandat' }, 'Date « fin du mandat » du dossier', 'The file’s date “fin du mandat”'],
    [{ event: 'fixed_date', date: '2030-01-01' }, 'Date fixe : 1 janvier 2030', 'Fixed date: January 1, 2030'],
  ] as const)('%j', (trigger, fr, en) => {
    // The French catalogue writes a non-breaking space before a colon and inside « ».
    expect(formatTrigger(trigger, 'fr').replace(/\u00a0/g, ' ')).toBe(fr);
    expect(formatTrigger(trigger, 'en')).toBe(en);
  });

  it('shows a fixed date that is not a date as written', () => {
    expect(formatTrigger({ event: 'fixed_date', date: 'bientôt' }, 'en')).toBe('Fixed date: bientôt');
  });
});

describe('other values', () => {
  it('names the copies and the sensitivity levels', () => {
    expect(formatCopy('principal', 'fr')).toBe('Exemplaire principal');
    expect(formatCopy('secondary', 'en')).toBe('Secondary copies');
    expect(formatSensitivity('highly_sensitive', 'fr')).toBe('Très sensible');
    expect(formatSensitivity('personal', 'en')).toBe('Personal information');
  });

  it('spells out the media it knows and keeps the others as written', () => {
    expect(formatMedia('PA,DM', 'fr')).toBe('papier (PA), numérique (DM)');
    expect(formatMedia('PA; MI', 'en')).toBe('paper (PA), MI');
    expect(formatMedia('', 'en')).toBe('');
  });

  it('reads the O/N flags, empty ones included', () => {
    expect(formatFlag(true, 'fr')).toBe('Oui');
    expect(formatFlag(false, 'en')).toBe('No');
    expect(formatFlag(null, 'en')).toBe('Not stated');
  });
});

describe('counts in words', () => {
  it('takes the singular for 0 and 1 in French, for 1 only in English', () => {
    const say = (count: number, lang: 'fr' | 'en'): string =>
      counted(count, 'move.classes.one', 'move.classes.other', {}, lang);
    expect([0, 1, 2].map((n) => say(n, 'fr'))).toEqual(['0 classe renommée', '1 classe renommée', '2 classes renommées']);
    expect([0, 1, 2].map((n) => say(n, 'en'))).toEqual(['0 classes renamed', '1 class renamed', '2 classes renamed']);
    expect(counted(1234, 'move.files.one', 'move.files.other', {}, 'fr')).toBe('1\u00a0234 dossiers mis à jour');
  });
});
