import { describe, expect, it } from 'vitest';
import { checkClassDraft, cleanDraft, continuesCode, draftOf, emptyDraft, isClassCode, parentChoices } from './classForm';
import { SAMPLE_PLAN } from './fixtures';
import { buildTree } from './tree';

const tree = buildTree(SAMPLE_PLAN, 'fr');
const nobody = (): boolean => false;

describe('class codes (the core’s rules)', () => {
  it.each(['100', '100-20-05', '1.2.3', 'A120', 'a'.repeat(32)])('accepts %s', (code) => {
    expect(isClassCode(code)).toBe(true);
  });

  it.each(['', '100--20', '-100', '100.', 'A 120', 'É100', 'a'.repeat(33)])('refuses “%s”', (code) => {
    expect(isClassCode(code)).toBe(false);
  });

  it.each([
    ['100-20', '100', true],
    ['100-20-05', '100-20', true],
    ['1.2.3', '1.2', true],
    ['A120', 'A100', true],
    ['A123', 'A120', true],
    ['110', '100', true],
    ['A100', 'A', true],
    ['a120', 'A100', true],
    ['100-3', '100-20', false],
    ['A130', 'A120', false],
    ['L1000', 'L100', false],
    ['A1.5', 'A1', true],
    ['A2.5', 'A1', false],
    ['A15.1', 'A1', false],
    ['1002', '100-20', false],
    ['100', '100-20', false],
    ['B120', 'A100', false],
    ['A1-5', 'A10', false],
    ['100', '100', false],
  ] as const)('%s under %s: %s', (child, parent, ok) => {
    expect(continuesCode(child, parent)).toBe(ok);
  });
});

describe('checkClassDraft', () => {
  it('asks for a code and a French title', () => {
    expect(checkClassDraft(emptyDraft(), nobody)).toEqual({
      code: { key: 'validation.required' },
      titleFr: { key: 'validation.required' },
    });
  });

  it('refuses a malformed code, a taken one, or one that does not continue its parent', () => {
    const draft = { ...emptyDraft('100-20'), titleFr: 'Avis' };
    expect(checkClassDraft({ ...draft, code: '100 20' }, nobody)).toEqual({ code: { key: 'classForm.codeFormat' } });
    expect(checkClassDraft({ ...draft, code: '100-20-05' }, (c) => c === '100-20-05')).toEqual({
      code: { key: 'classForm.codeTaken', params: { code: '100-20-05' } },
    });
    expect(checkClassDraft({ ...draft, code: '200-15' }, nobody)).toEqual({
      code: { key: 'classForm.codeParent', params: { parent: '100-20' } },
    });
    expect(checkClassDraft({ ...draft, code: ' 100-20-15 ' }, nobody)).toEqual({});
  });

  it('cleans what it sends', () => {
    expect(
      cleanDraft({ code: ' 300 ', parent: '', titleFr: ' RH ', titleEn: '', scopeNoteFr: '', scopeNoteEn: ' ', examples: ' a \n\n b ' }),
    ).toEqual({ code: '300', parent: null, titleFr: 'RH', titleEn: '', scopeNoteFr: '', scopeNoteEn: '', examples: 'a\nb' });
    const first = SAMPLE_PLAN[0];
    if (first) expect(draftOf(first)).toMatchObject({ code: '100', parent: null, titleEn: 'General administration' });
  });
});

describe('parentChoices', () => {
  it('offers every active class for a new one', () => {
    expect(parentChoices(tree, null, null)).not.toContain('200-10');
    expect(parentChoices(tree, null, null)).toContain('100-20-05');
  });

  it('never offers the class itself or its descendants, but keeps a retired current parent', () => {
    const choices = parentChoices(tree, '100-20', '100');
    expect(choices).not.toContain('100-20');
    expect(choices).not.toContain('100-20-05');
    expect(choices).toContain('100');
    expect(parentChoices(tree, 'A120', '200-10')).toContain('200-10');
  });
});
