/* consult: password fields. A "Show" button beside each, and beside each new password a
   hint that counts the characters still needed. The forms work the same without this
   file; the server checks every rule again. Texts come from the script tag's data-*. */
(function () {
  "use strict";

  var script = document.currentScript;

  function text(name) {
    return (script && script.getAttribute("data-" + name)) || "";
  }

  function characters(value) {
    return Array.from ? Array.from(value).length : value.length;
  }

  function showButton(input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small password-toggle";
    button.textContent = text("show");
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-controls", input.id);
    button.addEventListener("click", function () {
      var shown = input.type === "password";
      input.type = shown ? "text" : "password";
      button.setAttribute("aria-pressed", shown ? "true" : "false");
      input.focus();
    });
    /* A form is sent with the field hidden again, so the browser does not keep it as text. */
    if (input.form) {
      input.form.addEventListener("submit", function () {
        input.type = "password";
        button.setAttribute("aria-pressed", "false");
      });
    }
    input.insertAdjacentElement("afterend", button);
  }

  function lengthHint(input) {
    var minimum = parseInt(input.getAttribute("minlength") || text("minimum"), 10);
    if (!minimum) { return; }
    var hint = document.createElement("p");
    hint.className = "field__hint password-hint";
    hint.id = input.id + "-strength";
    hint.setAttribute("aria-live", "polite");
    function update() {
      var missing = minimum - characters(input.value);
      if (!input.value) {
        hint.textContent = "";
      } else if (missing > 0) {
        hint.textContent = text(missing === 1 ? "missing-one" : "missing").replace("{num}", String(missing));
      } else {
        hint.textContent = text("long-enough");
      }
    }
    input.addEventListener("input", update);
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + hint.id);
    input.parentNode.appendChild(hint);
    update();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("input[type='password'][id]"),
      function (input) {
        showButton(input);
        if (input.getAttribute("autocomplete") === "new-password" &&
            !/confirm$/.test(input.id)) {
          lengthHint(input);
        }
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
