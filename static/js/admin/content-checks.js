/* The site's content checks for Wagtail's checker (rules and options: home/wagtail_hooks.py). */
(() => {
    const register = (userbar) => {
        if (!userbar || typeof userbar.registerCheck !== "function") return;

        const hasText = (node, options) => {
            const found = node.querySelector(options.selector);
            return Boolean(found && found.textContent.trim());
        };
        userbar.registerCheck("psg-has-summary", hasText);
        userbar.registerCheck("psg-has-themes", hasText);

        userbar.registerCheck("psg-image-alt", (node, options) => {
            if (node.closest(options.decorative)) return true;
            const alt = node.getAttribute("alt");
            return alt !== null && alt.trim() !== "";
        });

        userbar.registerCheck("psg-link-text", (node, options) => {
            const text = (node.getAttribute("aria-label") || node.textContent)
                .replace(/\s+/g, " ")
                .trim()
                .replace(/[\s.,:;!…»→]+$/u, "");
            return !new RegExp(options.pattern, "i").test(text);
        });
    };

    // Registered before the page's load event, when the checker runs.
    customElements.whenDefined("wagtail-userbar").then(() => {
        register(document.querySelector("wagtail-userbar"));
    });
})();
