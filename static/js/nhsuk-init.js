// Start the NHS.UK frontend's components (header menu, details, error summary focus...).
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

initAll();
