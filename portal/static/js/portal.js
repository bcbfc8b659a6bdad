// Progressive enhancement only: every page works without this script.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("site-nav");
  if (toggle && nav) {
    const setOpen = (open) => {
      nav.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    };
    toggle.addEventListener("click", () => setOpen(!nav.classList.contains("open")));
    // Escape closes the open menu from the toggle or from any link in it; focus returns to
    // the toggle so keyboard users are not left on a hidden link.
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !nav.classList.contains("open")) return;
      const inside = nav.contains(document.activeElement) || document.activeElement === toggle;
      setOpen(false);
      if (inside) toggle.focus();
    });
  }
  document.querySelectorAll("[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
