// On a small screen, the filters of a listing start closed behind their "Filter" control when
// none is chosen, so that the results come first; without JavaScript they stay open.
const small = window.matchMedia("(max-width: 40.0525em)");
if (small.matches) {
  for (const panel of document.querySelectorAll("details[data-app-filters]:not([data-app-filters-chosen])")) {
    panel.open = false;
  }
}
