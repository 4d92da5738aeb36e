// Small enhancements only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // A "select all" box ticks every box of its form with the given name.
  for (const all of document.querySelectorAll("input[data-select-all]")) {
    all.addEventListener("change", () => {
      const name = all.dataset.selectAll;
      for (const box of all.form.querySelectorAll(`input[type=checkbox][name="${name}"]`)) {
        box.checked = all.checked;
      }
    });
  }
});
