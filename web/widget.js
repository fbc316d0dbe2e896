/* The safeguarding chat widget. Embed with one line:
 *   <script src="https://BOT-SERVER/webhooks/webchat/widget.js" data-area="devon" defer></script>
 * Options (data-*): area (devon, east_sussex, dudley), exit-url (the neutral page "Leave this site"
 * opens), open ("true" to start open).
 * Safety: 999 always visible; quick exit (button, or Esc twice) clears the chat and replaces the page;
 * the chat lives in sessionStorage only (gone with the tab); replies are rendered as text, never HTML;
 * when the bot is slow (8 s) or down, a built-in message gives 999, NHS 111 and the area's numbers.
 * No cookies, no tracking, no third-party requests. The server fills in CONFIG below.
 */
(function () {
  "use strict";

  var CONFIG = /*CONFIG*/ null;
  var script = document.currentScript;
  if (!CONFIG || !script || document.getElementById("sgw-root")) return;

  var TIMEOUT_MS = 8000;
  var DEFAULT_EXIT = "https://www.bbc.co.uk/weather";
  var scriptUrl = new URL(script.src, document.baseURI);
  var base = scriptUrl.href.replace(/widget\.js(?:\?.*)?$/, "");
  var area = CONFIG.areas[script.getAttribute("data-area")] ? script.getAttribute("data-area") : CONFIG.default_area;
  var exitUrl = script.getAttribute("data-exit-url") || DEFAULT_EXIT;
  var startOpen = script.getAttribute("data-open") === "true";
  var storeKey = "sgw-chat:" + base;
  var state = load();

  // ---- storage: this tab only -------------------------------------------------------------
  function load() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(storeKey) || "null");
      if (saved && Array.isArray(saved.messages)) return saved;
    } catch (e) { /* storage blocked or damaged: start afresh */ }
    return { session: null, messages: [], open: startOpen };
  }
  function save() {
    try { window.sessionStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  // ---- elements -----------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "hidden") node.hidden = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  if (!document.querySelector('link[href$="widget.css"]')) {
    document.head.appendChild(el("link", { rel: "stylesheet", href: base + "widget.css" }));
  }

  function emergencyLine() {
    return el("p", { "class": "sgw-emergency" }, [
      document.createTextNode("In an emergency call "),
      el("a", { href: "tel:999", text: "999" })
    ]);
  }
  function exitButton() {
    var button = el("button", { type: "button", "class": "sgw-button sgw-exit", text: "Leave this site" });
    button.addEventListener("click", quickExit);
    return button;
  }

  var root = el("div", { id: "sgw-root", "class": "sgw-root" });
  var openButton = el("button", {
    type: "button", "class": "sgw-button", "aria-expanded": "false", "aria-controls": "sgw-panel",
    text: "Worried about a baby? Chat"
  });
  var bar = el("div", { "class": "sgw-bar", role: "region", "aria-label": "Baby safeguarding chat" },
    [openButton, emergencyLine(), exitButton()]);

  var closeButton = el("button", { type: "button", "class": "sgw-button sgw-close", "aria-label": "Close chat", text: "Close" });
  var log = el("div", {
    id: "sgw-log", "class": "sgw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": "Conversation", tabindex: "0"
  });
  var typing = el("div", { "class": "sgw-typing", role: "status" });
  var input = el("textarea", {
    id: "sgw-input", "class": "sgw-input", rows: "2", maxlength: "1000", autocomplete: "off",
    "aria-describedby": "sgw-privacy"
  });
  var send = el("button", { type: "submit", "class": "sgw-button", text: "Send" });
  var form = el("form", { "class": "sgw-form" }, [
    el("div", { "class": "sgw-field" }, [el("label", { "for": "sgw-input", text: "Your message" }), input]),
    send
  ]);
  var panel = el("section", { id: "sgw-panel", "class": "sgw-panel", "aria-label": "Baby safeguarding chat", hidden: true }, [
    el("div", { "class": "sgw-header" }, [
      el("h2", { "class": "sgw-title", text: "Worried about a baby?" }), exitButton(), closeButton
    ]),
    emergencyLine(),
    log,
    typing,
    form,
    el("p", {
      id: "sgw-privacy", "class": "sgw-privacy",
      text: "This chat is kept only in this browser tab and is gone when you close it. " +
        "Press Esc twice to leave quickly. You don't need to give names or addresses."
    })
  ]);
  root.appendChild(bar);
  root.appendChild(panel);
  document.body.appendChild(root);

  // ---- rendering: text only, links only for phone numbers and allowed sites ------------------
  var PHONE = /(?:\b0\d{3,4} ?\d{3} ?\d{3,4}\b|\b116 123\b|\b999\b|\b111\b|\b101\b)/;
  var WEB = /\b(?:https?:\/\/)?(?:[a-z0-9-]+\.)+(?:uk|org|com|net)(?:\/[^\s)"'<>]*)?/i;
  var TOKEN = new RegExp(PHONE.source + "|" + WEB.source, "gi");

  function allowedLink(found) {
    var href = /^https?:\/\//i.test(found) ? found : "https://" + found;
    href = href.replace(/[.,;:]+$/, "");
    try {
      var host = new URL(href).hostname.toLowerCase().replace(/^www\./, "");
      var ok = CONFIG.link_hosts.some(function (allowed) {
        return host === allowed || host.slice(-(allowed.length + 1)) === "." + allowed;
      });
      return ok && new URL(href).protocol === "https:" ? href : null;
    } catch (e) { return null; }
  }

  function renderText(container, text) {
    var last = 0;
    text.replace(TOKEN, function (found, offset) {
      container.appendChild(document.createTextNode(text.slice(last, offset)));
      last = offset + found.length;
      if (PHONE.test(found) && found.match(PHONE)[0] === found) {
        container.appendChild(el("a", { href: "tel:" + found.replace(/\s+/g, ""), text: found }));
        return found;
      }
      var href = allowedLink(found);
      var trailing = found.match(/[.,;:]+$/);
      if (href) {
        var shown = trailing ? found.slice(0, -trailing[0].length) : found;
        container.appendChild(el("a", { href: href, rel: "noopener noreferrer", target: "_blank", text: shown }));
        if (trailing) container.appendChild(document.createTextNode(trailing[0]));
      } else {
        container.appendChild(document.createTextNode(found));
      }
      return found;
    });
    container.appendChild(document.createTextNode(text.slice(last)));
  }

  function show(message, keepScroll) {
    var who = message.from === "user" ? "You" : "Assistant";
    var bubble = el("div", { "class": "sgw-msg sgw-msg-" + message.from });
    bubble.appendChild(el("span", { "class": "sgw-sr", text: who + ": " }));
    renderText(bubble, message.text || "");
    log.appendChild(bubble);
    if (message.buttons && message.buttons.length) {
      var group = el("div", { "class": "sgw-buttons", role: "group", "aria-label": "Suggested replies" });
      message.buttons.forEach(function (choice) {
        var button = el("button", { type: "button", "class": "sgw-button sgw-button-light", text: choice.title });
        button.addEventListener("click", function () { ask(choice.payload || choice.title, choice.title); });
        group.appendChild(button);
      });
      log.appendChild(group);
    }
    if (!keepScroll) log.scrollTop = log.scrollHeight;
    return bubble;
  }

  function remember(message, keepScroll) {
    state.messages.push(message);
    save();
    return show(message, keepScroll);
  }

  // ---- when the bot cannot answer ------------------------------------------------------------
  function fallbackText() {
    var a = CONFIG.areas[area];
    return "Sorry, I can't answer right now.\n" +
      "If a baby is in danger or seriously ill, call " + CONFIG.national.emergency + " now.\n" +
      "If your baby seems unwell, call NHS " + CONFIG.national.nhs_111 + ".\n" +
      "Worried that a child in " + a.name + " is being harmed? Call the " + a.daytime_name + " on " +
      a.daytime_line + " (" + a.hours + "), or out of hours the " + a.out_of_hours_name + " on " +
      a.out_of_hours_line + ".";
  }

  // ---- talking to the bot --------------------------------------------------------------------
  function post(path, body) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    return fetch(base + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
      signal: controller.signal,
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer"
    }).then(function (response) {
      clearTimeout(timer);
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }, function (error) { clearTimeout(timer); throw error; });
  }

  function newSession() {
    return post("session").then(function (result) {
      if (result.status !== 200 || !result.data.session) throw new Error("no session");
      state.session = result.data.session;
      save();
      return state.session;
    });
  }

  function deliver(payload, retried) {
    var ready = state.session ? Promise.resolve(state.session) : newSession();
    return ready.then(function (session) {
      return post("webhook", { session: session, message: payload, area: area });
    }).then(function (result) {
      if (result.status === 403 && !retried) {
        state.session = null;
        return deliver(payload, true);
      }
      var replies = (result.data && result.data.replies) || [];
      if (result.status >= 500 || (result.status !== 200 && !replies.length)) throw new Error("server");
      return replies;
    });
  }

  var busy = false;
  function ask(payload, shown) {
    if (busy || !payload.trim()) return;
    busy = true;
    send.disabled = true;
    remember({ from: "user", text: shown || payload });
    typing.textContent = "";
    typing.appendChild(el("span", { "class": "sgw-dots", text: "The assistant is typing" }));
    deliver(payload, false).then(function (replies) {
      if (!replies.length) replies = [{ text: fallbackText() }];
      // A long answer is read from its start: scroll to the first new bubble, not the bottom.
      var first = null;
      replies.forEach(function (reply) {
        var bubble = remember({ from: "bot", text: reply.text || "", buttons: reply.buttons || [] }, true);
        first = first || bubble;
      });
      log.scrollTop = Math.max(0, first.offsetTop - log.offsetTop - 8);
    }).catch(function () {
      remember({ from: "notice", text: fallbackText() });
    }).then(function () {
      typing.textContent = "";
      busy = false;
      send.disabled = false;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim() || busy) return;
    input.value = "";
    ask(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });

  // ---- open and close ------------------------------------------------------------------------
  function setOpen(open, focus) {
    state.open = open;
    save();
    panel.hidden = !open;
    bar.hidden = open;
    openButton.setAttribute("aria-expanded", String(open));
    if (focus) (open ? input : openButton).focus();
  }
  openButton.addEventListener("click", function () { setOpen(true, true); });
  closeButton.addEventListener("click", function () { setOpen(false, true); });

  // ---- quick exit ----------------------------------------------------------------------------
  function quickExit() {
    try { window.sessionStorage.clear(); } catch (e) { /* nothing kept */ }
    state = { session: null, messages: [], open: false };
    root.parentNode && root.parentNode.removeChild(root);
    document.title = "";
    window.location.replace(exitUrl);
  }
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 1500) { quickExit(); return; }
    lastEscape = now;
  });

  // ---- start ---------------------------------------------------------------------------------
  state.messages.forEach(show);
  if (!state.messages.length) {
    show({ from: "bot", text: CONFIG.greeting.text, buttons: CONFIG.greeting.buttons });
  }
  setOpen(Boolean(state.open), false);
})();
