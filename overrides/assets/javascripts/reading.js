/*
 * Reading comforts: the menus of the actions row (印刷・共有・文字の大きさ), the text size control
 * (小・中・大, remembered in localStorage and applied before the first paint by
 * partials/reading-size.html), the copy-link and 引用する buttons, and closing the search box when
 * keyboard focus leaves it.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  var SIZE_KEY = "essay-reading-size";
  var SIZES = ["small", "medium", "large"];

  function currentSize() {
    var size = root.getAttribute("data-reading-size");
    return SIZES.indexOf(size) >= 0 ? size : "medium";
  }

  function setSize(size) {
    if (size === "medium") root.removeAttribute("data-reading-size");
    else root.setAttribute("data-reading-size", size);
    try {
      if (size === "medium") window.localStorage.removeItem(SIZE_KEY);
      else window.localStorage.setItem(SIZE_KEY, size);
    } catch (error) {
      // Private browsing may refuse storage: the size still applies to this page.
    }
    showSize();
  }

  function showSize() {
    var size = currentSize();
    document.querySelectorAll("[data-reading-size-control] button[data-reading-size]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.readingSize === size));
    });
  }

  document.querySelectorAll("[data-reading-size-control]").forEach(function (control) {
    control.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-reading-size]");
      if (button) setSize(button.dataset.readingSize);
    });
  });
  showSize();

  // The actions row's menus are <details>: they open and close without this script. It adds what
  // a menu is expected to do: one open at a time (also where <details name> is not supported),
  // closed by Escape (focus back on its button), by a click elsewhere, or when focus leaves it.
  var menus = Array.prototype.slice.call(document.querySelectorAll("details.reading-menu"));

  function closeMenu(menu, focusToggle) {
    if (!menu.open) return;
    menu.open = false;
    if (focusToggle) menu.querySelector("summary").focus();
  }

  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (!menu.open) return;
      menus.forEach(function (other) {
        if (other !== menu) closeMenu(other, false);
      });
    });
    menu.addEventListener("focusout", function (event) {
      var next = event.relatedTarget;
      if (next && !menu.contains(next)) closeMenu(menu, false);
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus.forEach(function (menu) {
      if (menu.open && menu.contains(document.activeElement)) {
        event.preventDefault();
        closeMenu(menu, true);
      } else {
        closeMenu(menu, false);
      }
    });
  });

  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (!menu.contains(event.target)) closeMenu(menu, false);
    });
  });

  // Copy buttons: the clipboard API where the page is a secure context, else a selected textarea.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var done = document.execCommand("copy");
      area.remove();
      if (done) resolve();
      else reject(new Error("copy refused"));
    });
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var row = button.closest(".reading-actions") || button.parentElement;
    var status = row.querySelector("[role='status']");
    var menu = button.closest("details");
    button.addEventListener("click", function () {
      copyText(button.dataset.copy).then(function () {
        if (status) status.textContent = button.dataset.copied;
        // Done: the menu closes so the message under the row shows, focus back on 共有.
        if (menu) closeMenu(menu, true);
      }, function () {
        if (status) status.textContent = "コピーできませんでした。次の文字を選んでコピーしてください：" + button.dataset.copy;
      });
    });
  });

  // The search box is a dialog over the page: when Tab moves focus out of it, close it instead of
  // leaving the page dimmed behind a box the reader has left.
  var search = document.querySelector("[data-essay-search]");
  var searchToggle = document.getElementById("__search");
  if (search && searchToggle) {
    search.addEventListener("focusout", function (event) {
      var next = event.relatedTarget;
      if (!searchToggle.checked || !next || search.contains(next)) return;
      searchToggle.checked = false;
      searchToggle.dispatchEvent(new Event("change"));
    });
  }
})();
