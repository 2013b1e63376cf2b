// Mark every mention of the resource that the address names (#r-N, from a count in the list of
// what the article mentions): those elements get the class "hl". The page reads the same without it.
(function () {
  "use strict";
  function mark() {
    var hash = decodeURIComponent(window.location.hash.slice(1));
    var marked = document.querySelectorAll(".hl");
    for (var i = 0; i < marked.length; i++) {
      marked[i].classList.remove("hl");
    }
    var pressed = document.querySelectorAll("a.mark[aria-pressed=true]");
    for (var j = 0; j < pressed.length; j++) {
      pressed[j].setAttribute("aria-pressed", "false");
    }
    if (!/^r-[0-9]+$/.test(hash)) {
      return;
    }
    var mentions = document.querySelectorAll('[data-r~="' + hash + '"]');
    for (var k = 0; k < mentions.length; k++) {
      mentions[k].classList.add("hl");
    }
    var button = document.querySelector('a.mark[data-mark="' + hash + '"]');
    if (button) {
      button.setAttribute("aria-pressed", "true");
    }
    document.body.setAttribute("data-marked", String(mentions.length));
  }
  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("a.mark");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("role", "button");
      buttons[i].setAttribute("aria-pressed", "false");
    }
    mark();
  });
  window.addEventListener("hashchange", mark);
})();
