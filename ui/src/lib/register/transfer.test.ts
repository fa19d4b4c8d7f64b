import { describe, expect, it } from 'vitest';
import { registerFormatOf, withRegisterFormat } from './transfer';

describe('register sheets', () => {
  it.each<[string, string | null]>([
    ['/home/hcote/dossiers été.csv', 'csv'],
    ['C:\\Registre\\DOSSIERS.XLSX', 'xlsx'],
    ['/tmp/plan.xml', null],
    ['/tmp/dossiers', null],
  ])('%s is %s', (path, format) => {
    expect(registerFormatOf(path)).toBe(format);
  });

  it.each<[string, 'csv' | 'xlsx', string]>([
    ['/tmp/registre.xlsx', 'csv', '/tmp/registre.csv'],
    ['/tmp/registre', 'xlsx', '/tmp/registre.xlsx'],
    ['/tmp/registre.ods', 'csv', '/tmp/registre.ods'],
    ['/tmp/', 'csv', '/tmp/'],
    ['', 'csv', ''],
  ])('%s as %s is %s', (path, format, expected) => {
    expect(withRegisterFormat(path, format)).toBe(expected);
  });
});
