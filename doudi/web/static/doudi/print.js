// Buttons marked data-print open the browser's print dialog (no inline onclick handlers: the
// Content-Security-Policy allows no inline code).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
