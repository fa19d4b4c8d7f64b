/**
 * The most characters the vault keeps in a field, as the core checks them
 * (`LINE_MAX` and `TEXT_MAX` in crates/core/src/register.rs): a line (a title, a name, a
 * place) and a text (a description, keywords, notes: what an XLSX cell holds, so that every
 * file exports; every text of the plan too). The inputs stop there; the core refuses longer
 * text from imports and the CLI.
 */
export const LINE_MAX = 1000;
export const TEXT_MAX = 32767;
/** A file's reference (`valid_reference` in crates/core/src/register.rs). */
export const REFERENCE_MAX = 64;
