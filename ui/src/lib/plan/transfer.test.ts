import { describe, expect, it } from 'vitest';
import { formatOfPath, pathForFormat } from './transfer';

describe('formatOfPath', () => {
  it('reads the extension, any case', () => {
    expect(formatOfPath('/home/a/plan.XLSX')).toBe('xlsx');
    expect(formatOfPath('C:\\Archives\\calendrier.xml ')).toBe('xml');
    expect(formatOfPath('plan.csv')).toBe('csv');
    expect(formatOfPath('/home/a/calendrier été.PDF')).toBe('pdf');
    expect(formatOfPath('plan.ods')).toBeNull();
    expect(formatOfPath('plan')).toBeNull();
  });
});

describe('pathForFormat', () => {
  it('replaces a known extension', () => {
    expect(pathForFormat('/home/a/plan-2026.xlsx', 'csv')).toBe('/home/a/plan-2026.csv');
    expect(pathForFormat('C:\\plan.CSV', 'xml')).toBe('C:\\plan.xml');
    expect(pathForFormat('/home/a/plan.xlsx', 'pdf')).toBe('/home/a/plan.pdf');
  });

  it('adds one to a name without, and leaves the rest to the user', () => {
    expect(pathForFormat('/home/a/plan', 'xlsx')).toBe('/home/a/plan.xlsx');
    expect(pathForFormat('/home/a.b/plan', 'csv')).toBe('/home/a.b/plan.csv');
    expect(pathForFormat('/home/a/plan.ods', 'xlsx')).toBe('/home/a/plan.ods');
    expect(pathForFormat('/home/a/', 'xlsx')).toBe('/home/a/');
    expect(pathForFormat('', 'xlsx')).toBe('');
  });
});
