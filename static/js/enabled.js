// Run first thing in <body>: mark the page as having JavaScript (and modules) so that the NHS.UK
// frontend's enhanced styles apply before it draws.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
