// Django's autocomplete (select2) draws a combobox named only by its current value, so an empty
// one has no name (axe: aria-input-field-name). Name each by its field's label as well.
function nameAutocompletes() {
  for (const select of document.querySelectorAll("select.admin-autocomplete")) {
    const label = document.querySelector(`label[for="${select.id}"]`);
    const box = select.parentElement.querySelector(".select2-selection[role='combobox']");
    if (!label || !box) continue;
    label.id = label.id || `${select.id}-label`;
    const value = box.querySelector(".select2-selection__rendered");
    box.setAttribute("aria-labelledby", value && value.id ? `${label.id} ${value.id}` : label.id);
    // The value inside is a read-only textbox of its own: it takes the label too.
    if (value) value.setAttribute("aria-labelledby", label.id);
  }
}
// After every ready handler (select2 is set up in one), and again once the page has loaded.
document.addEventListener("DOMContentLoaded", () => setTimeout(nameAutocompletes, 0));
window.addEventListener("load", nameAutocompletes);
document.addEventListener("formset:added", () => setTimeout(nameAutocompletes, 0));
