// The share links' "Copy link" button: shown only where this script runs and the browser
// lets a page copy text; the page's address is in the button's data-copy-link.
for (const button of document.querySelectorAll("[data-copy-link]")) {
    if (navigator.clipboard && window.isSecureContext) {
        const item = button.closest(".share__copy");
        const status = item.querySelector(".share__status");
        item.hidden = false;
        button.addEventListener("click", async () => {
            try {
                await navigator.clipboard.writeText(button.dataset.copyLink);
                status.textContent = button.dataset.copied;
            } catch {
                status.textContent = button.dataset.failed;
            }
        });
    }
}
