import { describe, expect, it } from 'vitest';
import { fold, foldWhitespace, highlight, lines, matchesAll, numberedRemarks, queryTerms, remarkText } from './text';

describe('fold', () => {
  it('drops case and accents, and plain-types apostrophes and dashes', () => {
    expect(fold('Règlement')).toBe('reglement');
    expect(fold('  Procès–VERBAUX  du   conseil ')).toBe('proces-verbaux du conseil');
    expect(fold('L’œuvre d’art')).toBe("l'oeuvre d'art");
  });

  it('splits a query into folded words and matches them all', () => {
    expect(queryTerms('  Conseil  MUNICIPAL ')).toEqual(['conseil', 'municipal']);
    expect(queryTerms('   ')).toEqual([]);
    expect(matchesAll('100-20 conseil municipal', ['municipal', '100'])).toBe(true);
    expect(matchesAll('100-20 conseil municipal', ['budget'])).toBe(false);
  });
});

describe('highlight', () => {
  it('marks the matching part whatever its accents', () => {
    expect(highlight('Règlements', ['regl'])).toEqual([
      { text: 'Règl', hit: true },
      { text: 'ements', hit: false },
    ]);
  });

  it('marks every occurrence of every term', () => {
    expect(highlight('A120 Mission', ['a1', 'sion'])).toEqual([
      { text: 'A1', hit: true },
      { text: '20 Mis', hit: false },
      { text: 'sion', hit: true },
    ]);
  });

  it('keeps a ligature whole', () => {
    expect(highlight('Œuvre', ['oe'])).toEqual([
      { text: 'Œ', hit: true },
      { text: 'uvre', hit: false },
    ]);
  });

  it('gives the text unmarked without terms', () => {
    expect(highlight('Budget', [])).toEqual([{ text: 'Budget', hit: false }]);
    expect(highlight('', ['a'])).toEqual([]);
  });
});

describe('the schedule’s texts', () => {
  it('folds the indentation of a pretty-printed file', () => {
    expect(foldWhitespace('Cette division\n            regroupe  les documents\n')).toBe(
      'Cette division regroupe les documents',
    );
    expect(lines('Procès-verbaux\n\n  Ordres du jour \r\nAvis')).toEqual(['Procès-verbaux', 'Ordres du jour', 'Avis']);
  });

  it('splits numbered remarks, and keeps text before the first label', () => {
    expect(numberedRemarks('R1: Verser les organigrammes.')).toEqual([
      { label: 'R1', text: 'Verser les organigrammes.' },
    ]);
    expect(numberedRemarks('Voir aussi : R1 : Jusqu’au départ.\n   R2: Le dossier\n  original.')).toEqual([
      { label: '', text: 'Voir aussi :' },
      { label: 'R1', text: 'Jusqu’au départ.' },
      { label: 'R2', text: 'Le dossier original.' },
    ]);
    expect(numberedRemarks('')).toEqual([]);
    // "R2" inside a word is not a label.
    expect(numberedRemarks('PR2: non')).toEqual([{ label: '', text: 'PR2: non' }]);
  });

  it('finds a remark by its label, in the period remarks then the general ones', () => {
    expect(remarkText('r2', 'R1: un', 'R2: deux')).toBe('deux');
    expect(remarkText('R1', 'R1: un', 'R1: autre')).toBe('un');
    expect(remarkText('R3', 'R1: un')).toBeNull();
  });
});
