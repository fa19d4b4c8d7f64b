/**
 * Whether a modal dialog is open, as the class `modal-open` on the root element: `app.css` hides
 * the scrollbars of the page's scroll areas behind it. Without compositing (the desktop turns it
 * off, src-tauri/src/main.rs), WebKitGTK paints overlay scrollbars after everything else, over
 * the dialog. A class set here rather than `:root:has(dialog[open])`, which the engine would have
 * to consider again on every change of the page (a scrolled list replaces its rows).
 */

let open = 0;

/** Marks a modal dialog open until the returned function is called (dialogs may stack). */
export function holdModal(root: { classList: DOMTokenList } = document.documentElement): () => void {
  open += 1;
  root.classList.add('modal-open');
  let released = false;
  return () => {
    if (released) return;
    released = true;
    open -= 1;
    if (open === 0) root.classList.remove('modal-open');
  };
}
