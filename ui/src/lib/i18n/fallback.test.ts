import { describe, expect, it, vi } from 'vitest';

// An English catalogue with gaps, as a hand edit or a bad merge could leave it.
vi.mock('./en', async () => {
  const { fr } = await import('./fr');
  const rest = Object.fromEntries(Object.entries(fr).filter(([key]) => key !== 'status.retry'));
  return { en: { ...rest, 'nav.plan': '', 'home.title': 'Home' } };
});

const { t } = await import('.');

describe('t falls back', () => {
  it('to French when the current catalogue lacks the key', () => {
    expect(t('status.retry', undefined, 'en')).toBe('Réessayer');
  });

  it('to French when the message is empty', () => {
    expect(t('nav.plan', undefined, 'en')).toBe('Plan de classification');
  });

  it('to the key itself when no catalogue has it', () => {
    // A key that only a stale build could ask for.
    expect(t('no.such.key' as never, undefined, 'en')).toBe('no.such.key');
  });

  it('and still uses the current catalogue where it is complete', () => {
    expect(t('home.title', undefined, 'en')).toBe('Home');
  });
});
