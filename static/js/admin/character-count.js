/* Shows how many characters a text area with a maximum length holds, as the editor types.
   Sighted editors see the count at once; screen readers hear it once typing pauses. */
(() => {
    const ANNOUNCE_AFTER_MS = 1000;

    const enhance = (field) => {
        if (field.dataset.characterCount !== undefined) return;
        const max = Number.parseInt(field.getAttribute("maxlength"), 10);
        if (!max) return;
        field.dataset.characterCount = "";

        const count = document.createElement("p");
        count.className = "w-field__help psg-character-count";
        count.id = `${field.id || field.name}-character-count`;
        const announcer = document.createElement("p");
        announcer.className = "w-sr-only";
        announcer.setAttribute("aria-live", "polite");

        const container = field.closest(".w-field__input") || field;
        container.after(count, announcer);
        const describedBy = field.getAttribute("aria-describedby");
        field.setAttribute("aria-describedby", describedBy ? `${describedBy} ${count.id}` : count.id);

        let timer;
        const update = (announce) => {
            const used = field.value.length;
            const left = max - used;
            count.textContent = `${used} of ${max} characters`;
            count.style.fontWeight = left <= max / 10 ? "bold" : "";
            if (announce) {
                clearTimeout(timer);
                timer = setTimeout(() => {
                    announcer.textContent = left === 1 ? "1 character left" : `${left} characters left`;
                }, ANNOUNCE_AFTER_MS);
            }
        };
        field.addEventListener("input", () => update(true));
        update(false);
    };

    const enhanceAll = (root) => {
        root.querySelectorAll("textarea[maxlength]").forEach(enhance);
    };

    // Fields added later (a new StreamField block, an inline panel) are counted when focused.
    document.addEventListener("focusin", (event) => {
        if (event.target.matches && event.target.matches("textarea[maxlength]")) {
            enhance(event.target);
        }
    });
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", () => enhanceAll(document));
    } else {
        enhanceAll(document);
    }
})();
