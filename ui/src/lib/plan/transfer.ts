// Import and export of the plan: which format a file name says, and the file name for a format.
import type { PlanExportFormat } from '../types';

export const EXPORT_FORMATS: readonly PlanExportFormat[] = ['xlsx', 'csv', 'xml', 'pdf'];

/** The format a path's extension says (`.xml`, `.csv`, `.xlsx`, `.pdf`, any case), else `null`. */
export function formatOfPath(path: string): PlanExportFormat | null {
  const found = /\.(xml|csv|xlsx|pdf)$/i.exec(path.trim());
  return found ? (found[1]?.toLowerCase() as PlanExportFormat) : null;
}

/**
 * The path with the extension of `format`: a known extension is replaced, a path without one
 * gets it, and a path ending in another extension (or a folder) is left for the user to fix.
 */
export function pathForFormat(path: string, format: PlanExportFormat): string {
  const trimmed = path.trim();
  if (trimmed === '' || /[\\/]$/.test(trimmed)) return path;
  if (formatOfPath(trimmed) !== null) return trimmed.replace(/\.(xml|csv|xlsx|pdf)$/i, `.${format}`);
  const name = trimmed.split(/[\\/]/).pop() ?? '';
  return name.includes('.') ? path : `${trimmed}.${format}`;
}
