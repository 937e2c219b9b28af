/* consult: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  var DRAFT_PREFIX = "consult-draft:";

  function each(selector, root, callback) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), callback);
  }

  function normalize(text) {
    return text.replace(/\s+/g, " ").trim();
  }

  /* A form with errors moves the focus to its summary, so screen readers announce it. */
  function focusErrors() {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) { summary.focus(); }
  }

  /* Show only the fields that fit what the person chose to do. */
  function kindSwitch(form) {
    var radios = form.querySelectorAll("input[name='kind']");
    if (!radios.length) { return; }
    var proposed = form.querySelector(".js-proposed");
    var quote = form.querySelector(".js-quote");
    var proposedInput = form.querySelector("textarea[name='proposed_text']");
    function update() {
      var checked = form.querySelector("input[name='kind']:checked");
      var kind = checked ? checked.value : "comment";
      if (proposed) { proposed.hidden = !(kind === "amendment" || kind === "insertion"); }
      if (quote) { quote.hidden = kind === "insertion"; }
      if (kind === "amendment" && proposedInput && !proposedInput.value.trim()) {
        proposedInput.value = proposedInput.getAttribute("data-original") || "";
      }
      if (kind === "insertion" && proposedInput &&
          proposedInput.value === (proposedInput.getAttribute("data-original") || "")) {
        proposedInput.value = "";
      }
    }
    Array.prototype.forEach.call(radios, function (radio) { radio.addEventListener("change", update); });
    update();
  }

  /* Preview without leaving the page; the server renders exactly what will be shown. */
  function preview(form) {
    var button = form.querySelector("[data-preview-button]");
    var textarea = form.querySelector("[data-preview-target]");
    if (!button || !textarea || !window.fetch) { return; }
    var box = document.getElementById(textarea.getAttribute("data-preview-target"));
    var token = form.querySelector("input[name$='csrf_token']");
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var body = new FormData();
      body.append("text", textarea.value);
      if (token) { body.append("csrf_token", token.value); }
      fetch("/comments/preview", { method: "POST", body: body, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (html) {
          box.querySelector(".preview__body").innerHTML = html;
          box.hidden = false;
        })
        .catch(function () { form.requestSubmit ? form.requestSubmit(button) : form.submit(); });
    });
  }

  /* Keep what a person types in this browser until the server has taken it. */
  function drafts(form) {
    var key = form.getAttribute("data-draft-key");
    if (!key || !window.localStorage) { return; }
    key = DRAFT_PREFIX + key;
    var fields = form.querySelectorAll("textarea, input[type='radio'], input[name='submission_key']");
    var sent = document.body.getAttribute("data-sent-key");
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (error) { saved = null; }
    if (saved && sent && saved.submission_key === sent) {
      localStorage.removeItem(key);
      saved = null;
    }
    var empty = Array.prototype.every.call(form.querySelectorAll("textarea"), function (area) {
      return !area.value.trim() || area.value === area.getAttribute("data-original");
    });
    if (saved && empty && saved.text) {
      Array.prototype.forEach.call(fields, function (field) {
        if (!(field.name in saved.values)) { return; }
        if (field.type === "radio") {
          field.checked = field.value === saved.values[field.name];
          field.dispatchEvent(new Event("change"));
        } else {
          field.value = saved.values[field.name];
        }
      });
      var note = document.createElement("p");
      note.className = "notice notice--info";
      note.setAttribute("role", "status");
      note.textContent = document.body.getAttribute("data-restored-message");
      form.insertBefore(note, form.firstChild);
    }
    var timer = null;
    function save() {
      var values = {};
      var text = "";
      Array.prototype.forEach.call(fields, function (field) {
        if (field.type === "radio") {
          if (field.checked) { values[field.name] = field.value; }
        } else {
          values[field.name] = field.value;
          if (field.tagName === "TEXTAREA" && field.value !== field.getAttribute("data-original")) {
            text += field.value.trim();
          }
        }
      });
      if (text) {
        localStorage.setItem(key, JSON.stringify({ values: values, text: true, submission_key: values.submission_key }));
      } else {
        localStorage.removeItem(key);
      }
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(save, 400);
    });
    form.addEventListener("submit", save);
  }

  /* Find a quote in an element's text and return a Range over it, across text nodes. */
  function findRange(element, quote) {
    quote = normalize(quote).toLowerCase();
    if (!quote) { return null; }
    var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    var nodes = [];
    var text = "";
    var node;
    while ((node = walker.nextNode())) {
      for (var i = 0; i < node.data.length; i++) {
        var char = /\s/.test(node.data[i]) ? " " : node.data[i].toLowerCase();
        if (char === " " && text.charAt(text.length - 1) === " ") { continue; }
        nodes.push([node, i]);
        text += char;
      }
    }
    var start = text.indexOf(quote);
    if (start < 0) { return null; }
    var end = start + quote.length - 1;
    var range = document.createRange();
    range.setStart(nodes[start][0], nodes[start][1]);
    range.setEnd(nodes[end][0], nodes[end][1] + 1);
    return range;
  }

  var marked = null;
  function clearHighlight() {
    if (window.CSS && CSS.highlights) { CSS.highlights.delete("quote"); }
    if (marked && marked.parentNode) {
      var parent = marked.parentNode;
      while (marked.firstChild) { parent.insertBefore(marked.firstChild, marked); }
      parent.removeChild(marked);
      parent.normalize();
    }
    marked = null;
  }

  function highlight(quote) {
    var target = document.querySelector(".paragraph-focus [data-paragraph-text], .paragraph-focus .para__body");
    clearHighlight();
    if (!target || !quote) { return; }
    var range = findRange(target, quote);
    if (!range) { return; }
    if (window.CSS && CSS.highlights && window.Highlight) {
      CSS.highlights.set("quote", new Highlight(range));
    } else if (range.startContainer === range.endContainer) {
      marked = document.createElement("mark");
      marked.className = "quote-mark";
      range.surroundContents(marked);
    }
  }

  /* Opening a comment (hover, focus, or its link) highlights the words it quotes. */
  function quoteHighlights() {
    if (!document.querySelector(".paragraph-focus [data-paragraph-text]")) { return; }
    each(".comment[data-quote]", document, function (comment) {
      var quote = comment.getAttribute("data-quote");
      comment.addEventListener("mouseenter", function () { highlight(quote); });
      comment.addEventListener("focusin", function () { highlight(quote); });
    });
    function fromHash() {
      var id = decodeURIComponent(location.hash.slice(1));
      var comment = id && document.getElementById(id);
      if (comment && comment.hasAttribute("data-quote")) { highlight(comment.getAttribute("data-quote")); }
    }
    window.addEventListener("hashchange", fromHash);
    fromHash();
  }

  /* Select words in the paragraph, then take them into the comment as its quote. */
  function quoteFromSelection() {
    var paragraph = document.querySelector("[data-selectable-paragraph]");
    var input = document.querySelector("textarea[name='quote']");
    if (!paragraph || !input) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small quote-button";
    button.textContent = document.body.getAttribute("data-quote-button");
    button.hidden = true;
    document.body.appendChild(button);
    function selectedText() {
      var selection = window.getSelection();
      if (!selection || selection.isCollapsed || !selection.rangeCount) { return ""; }
      var range = selection.getRangeAt(0);
      if (!paragraph.contains(range.commonAncestorContainer)) { return ""; }
      return normalize(selection.toString());
    }
    var chosen = "";
    var timer = null;
    function place() {
      chosen = selectedText();
      if (!chosen) { button.hidden = true; return; }
      var rect = window.getSelection().getRangeAt(0).getBoundingClientRect();
      button.style.top = (window.scrollY + rect.bottom + 6) + "px";
      button.style.left = (window.scrollX + rect.left) + "px";
      button.hidden = false;
    }
    document.addEventListener("selectionchange", function () {
      clearTimeout(timer);
      timer = setTimeout(place, 150);
    });
    /* Pressing the button must not clear the selection it is about. */
    button.addEventListener("mousedown", function (event) { event.preventDefault(); });
    button.addEventListener("click", function () {
      var text = chosen;
      if (!text) { return; }
      input.value = text;
      var comment = document.querySelector("input[name='kind'][value='comment']");
      var quoteBox = input.closest(".js-quote");
      if (quoteBox) { quoteBox.hidden = false; }
      if (comment && document.querySelector("input[name='kind'][value='insertion']:checked")) {
        comment.checked = true;
        comment.dispatchEvent(new Event("change"));
      }
      button.hidden = true;
      highlight(text);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.focus();
    });
  }

  /* Load a thread's replies where they belong instead of opening another page. */
  function replies() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("[data-load-replies]");
      if (!link || !window.fetch) { return; }
      event.preventDefault();
      var box = document.getElementById(link.getAttribute("aria-controls"));
      if (box.getAttribute("data-loaded")) {
        box.hidden = !box.hidden;
        link.setAttribute("aria-expanded", String(!box.hidden));
        return;
      }
      fetch(link.getAttribute("data-load-replies"), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (html) {
          box.innerHTML = html;
          box.setAttribute("data-loaded", "1");
          box.hidden = false;
          link.setAttribute("aria-expanded", "true");
        })
        .catch(function () { window.location.href = link.href; });
    });
  }

  /* Show only the fields the chosen moderation action uses. */
  function moderationActions(fieldset) {
    var radios = fieldset.querySelectorAll("input[name='action']");
    function update() {
      var checked = fieldset.querySelector("input[name='action']:checked");
      each(".js-for", fieldset, function (wrapper) {
        wrapper.hidden = checked ? !wrapper.classList.contains("for-" + checked.value) : false;
      });
    }
    Array.prototype.forEach.call(radios, function (radio) { radio.addEventListener("change", update); });
    update();
  }

  /* A second click on a form's button, before the next page arrives, sends nothing: the
     buttons are disabled once the form is on its way. The server is the real guarantee
     (a form sent twice still makes one comment); the buttons come back after a while, for
     a resend after a network error, or when the page is shown again from history. */
  function sendOnce() {
    var AGAIN_AFTER = 8000;
    function release(form) {
      delete form.dataset.sending;
      each("button, input[type='submit']", form, function (button) {
        if (button.hasAttribute("data-disabled-while-sending")) {
          button.disabled = false;
          button.removeAttribute("data-disabled-while-sending");
        }
      });
    }
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (event.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post") {
        return;
      }
      if (form.dataset.sending) {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "1";
      /* Disabled after the browser has read the form: a disabled button would not send
         its own name, and "Preview" and "Send" share a form. */
      setTimeout(function () {
        each("button, input[type='submit']", form, function (button) {
          if (!button.disabled) {
            button.disabled = true;
            button.setAttribute("data-disabled-while-sending", "");
          }
        });
      }, 0);
      setTimeout(function () { release(form); }, AGAIN_AFTER);
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { each("form[data-sending]", document, release); }
    });
  }

  /* Signing out on purpose forgets the unsent text kept in this browser: the next person
     at a shared computer must not find it. (A session that merely ended keeps it.) */
  function forgetDraftsOnSignOut(form) {
    form.addEventListener("submit", function () {
      if (!window.localStorage) { return; }
      for (var index = localStorage.length - 1; index >= 0; index -= 1) {
        var key = localStorage.key(index);
        if (key && key.indexOf(DRAFT_PREFIX) === 0) { localStorage.removeItem(key); }
      }
    });
  }

  function start() {
    focusErrors();
    each(".js-sign-out", document, forgetDraftsOnSignOut);
    sendOnce();
    each(".js-comment-form", document, function (form) {
      kindSwitch(form);
      preview(form);
      drafts(form);
    });
    each(".moderation-actions", document, moderationActions);
    quoteHighlights();
    quoteFromSelection();
    replies();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
