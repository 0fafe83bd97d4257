// Wagtail's autosave posts the editor form in the background. Its first save of a new page
// creates the page and then points the form at the page's edit view; a Publish or Save pressed
// while that save is still on its way would post the "add" form a second time and fail on the
// page's address ("slug already in use"). So a press during an autosave waits for its answer,
// then goes ahead, to wherever the form now points.
(() => {
  const WAIT_AT_MOST = 15000;

  const autosaving = () =>
    document.querySelector('#w-autosave-indicator')?.dataset.wAutosaveStateValue === 'saving';

  let held = null;

  const release = () => {
    if (!held) return;
    const { form, submitter, timer } = held;
    held = null;
    clearTimeout(timer);
    // The pressed button may be disabled by now (Wagtail shows it as busy), and a disabled
    // button's name is not sent: send its action in a field of its own.
    if (submitter?.name) {
      const action = document.createElement('input');
      action.type = 'hidden';
      action.name = submitter.name;
      action.value = submitter.value;
      form.append(action);
    }
    form.requestSubmit();
  };

  document.addEventListener(
    'submit',
    (event) => {
      const form = event.target;
      if (!form.matches('[data-controller~="w-autosave"]')) return;
      if (held) {
        event.preventDefault(); // a second press while waiting: the first one will go
        return;
      }
      if (!autosaving()) return;
      event.preventDefault();
      held = { form, submitter: event.submitter, timer: setTimeout(release, WAIT_AT_MOST) };
    },
    true,
  );

  ['success', 'error', 'deactivated'].forEach((outcome) => {
    // After Wagtail's own listeners, so the form already points at the edit view.
    document.addEventListener(`w-autosave:${outcome}`, () => setTimeout(release));
  });
})();
