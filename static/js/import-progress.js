// While an import is being checked or written (or an export written), look again every two seconds. Without JavaScript
// the page has a "Check again" link.
setTimeout(function () { window.location.reload(); }, 2000);
