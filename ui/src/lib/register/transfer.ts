// Import and export of the register: which format a sheet's name says, and the file chooser's
// purpose for each.
import type { FilePurpose } from '../types';

export type RegisterFormat = 'xlsx' | 'csv';

export const REGISTER_FORMATS: readonly RegisterFormat[] = ['xlsx', 'csv'];

/** The format a path's extension says (`.csv`, `.xlsx`, any case), else `null`. */
export function registerFormatOf(path: string): RegisterFormat | null {
  const found = /\.(csv|xlsx)$/i.exec(path.trim());
  return found ? (found[1]?.toLowerCase() as RegisterFormat) : null;
}

/**
 * The path with the extension of `format`: a known extension is replaced, a path without one
 * gets it, and a path ending in another extension (or a folder) is left for the user to fix.
 */
export function withRegisterFormat(path: string, format: RegisterFormat): string {
  const trimmed = path.trim();
  if (trimmed === '' || /[\\/]$/.test(trimmed)) return path;
  if (registerFormatOf(trimmed) !== null) return trimmed.replace(/\.(csv|xlsx)$/i, `.${format}`);
  const name = trimmed.split(/[\\/]/).pop() ?? '';
  return name.includes('.') ? path : `${trimmed}.${format}`;
}

/**
 * The shell's file chooser has no register purposes yet: the plan's offer the same spreadsheet
 * filter (.csv and .xlsx, with .xml) and the right kind of dialog (open, save). Their titles
 * speak of the plan; the shell's `FilePurpose` is where register ones would go.
 */
export const REGISTER_PICKERS: Readonly<Record<'import' | 'export', FilePurpose>> = {
  import: 'register_import',
  export: 'register_export',
};
