// Progressive enhancement of the server-rendered forms: every form works without
// JavaScript; with it, a form asks for confirmation when it carries data-confirm and
// cannot be sent twice by a double click (which would, say, create two saved searches).

export function enhanceForms(root: Document): void {
  root.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const question = form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (form.dataset.submitting === 'true') {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = 'true';
    form.setAttribute('aria-busy', 'true');
    // Disabling the buttons at once would drop the clicked button's name/value from the
    // submitted data: wait until the browser has collected it.
    window.setTimeout(() => {
      form.querySelectorAll<HTMLButtonElement>('button[type="submit"], button:not([type])').forEach((button) => {
        button.disabled = true;
      });
    }, 0);
  });
  // Coming back with the back button restores the page from the cache with its forms
  // still marked as sent.
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    root.querySelectorAll<HTMLFormElement>('form[data-submitting]').forEach((form) => {
      delete form.dataset.submitting;
      form.removeAttribute('aria-busy');
      form.querySelectorAll<HTMLButtonElement>('button').forEach((button) => {
        button.disabled = false;
      });
    });
  });
}
