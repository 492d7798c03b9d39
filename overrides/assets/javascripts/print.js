/*
 * Printing essays and booklets: the 印刷 buttons, 縦書き (vertical) printing, and printing every
 * part of a split booklet as one job. ?layout=vertical opens a page already set for vertical
 * printing, so the layout can be linked to and tested.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  var VERTICAL = "print-vertical";
  var NUMBER = /[0-9０-９]+/g;
  var ASCII_DIGIT = /[0-9]/;
  var layoutFromAddress = new URLSearchParams(window.location.search).get("layout") === "vertical";

  // In vertical text one or two digits stand upright side by side in one character cell
  // (縦中横); longer ASCII numbers stand upright digit by digit instead of lying on their side.
  // Full-width digits already stand upright on their own, one per cell.
  function markNumbers(container) {
    var walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        if (!/[0-9０-９]/.test(node.data)) return NodeFilter.FILTER_REJECT;
        var parent = node.parentElement;
        // Addresses and code are Latin text: they lie on their side as a whole.
        if (!parent || parent.closest(".tcy, .upright-digits, .essay-address, a[href^='http'], script, style, code, pre")) {
          return NodeFilter.FILTER_REJECT;
        }
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var text = node.data;
      var pieces = document.createDocumentFragment();
      var done = 0;
      var match;
      NUMBER.lastIndex = 0;
      while ((match = NUMBER.exec(text)) !== null) {
        var digits = match[0];
        var name = digits.length <= 2 ? "tcy" : ASCII_DIGIT.test(digits) ? "upright-digits" : null;
        if (name === null) continue;
        pieces.append(text.slice(done, match.index));
        var span = document.createElement("span");
        span.className = name;
        span.textContent = digits;
        pieces.append(span);
        done = match.index + digits.length;
      }
      if (done === 0) return;
      pieces.append(text.slice(done));
      node.replaceWith(pieces);
    });
  }

  function printed() {
    return document.querySelectorAll(".essay, .booklet");
  }

  function setVertical(vertical) {
    root.classList.toggle(VERTICAL, vertical);
    if (vertical) printed().forEach(markNumbers);
  }

  // A part page sits one folder below the cover: its photos' relative addresses are made
  // absolute against the part's own address before they move onto the cover.
  function fromPart(essay, partUrl) {
    essay.querySelectorAll("img[src]").forEach(function (image) {
      image.setAttribute("src", new URL(image.getAttribute("src"), partUrl).href);
      var srcset = image.getAttribute("srcset");
      if (!srcset) return;
      image.setAttribute("srcset", srcset.split(",").map(function (candidate) {
        var parts = candidate.trim().split(/\s+/);
        parts[0] = new URL(parts[0], partUrl).href;
        return parts.join(" ");
      }).join(", "));
    });
  }

  // A split booklet's cover gathers the essays of every part before printing: one job, pages
  // numbered through, while each page served stays small.
  function gatherParts() {
    var holder = document.querySelector(".booklet-essays");
    var links = Array.prototype.slice.call(document.querySelectorAll("a.booklet-part-link"));
    if (!holder || holder.dataset.gathered === "true") return Promise.resolve();
    return Promise.all(links.map(function (link) {
      return fetch(link.href).then(function (response) {
        if (!response.ok) throw new Error(link.href + ": " + response.status);
        return response.text();
      });
    })).then(function (pages) {
      pages.forEach(function (html, index) {
        var part = new DOMParser().parseFromString(html, "text/html");
        part.querySelectorAll(".booklet-essay").forEach(function (essay) {
          fromPart(essay, links[index].href);
          holder.append(document.importNode(essay, true));
        });
      });
      holder.dataset.gathered = "true";
    });
  }

  // Photos below the first screen load lazily: fetch them all before printing, or paper would get
  // blank boxes. A photo that fails or takes over 15 seconds is printed without, not waited for.
  function loadImages() {
    var images = [];
    printed().forEach(function (container) {
      container.querySelectorAll("img").forEach(function (image) { images.push(image); });
    });
    return Promise.all(images.map(function (image) {
      image.loading = "eager";
      if (image.complete) return Promise.resolve();
      return new Promise(function (resolve) {
        image.addEventListener("load", resolve, { once: true });
        image.addEventListener("error", resolve, { once: true });
        window.setTimeout(resolve, 15000);
      });
    }));
  }

  function printAs(kind) {
    var ready = (kind === "all" ? gatherParts() : Promise.resolve()).then(loadImages);
    return ready.then(function () {
      if (kind === "vertical") setVertical(true);
      else if (kind === "horizontal") setVertical(false);
      else if (root.classList.contains(VERTICAL)) setVertical(true);
      window.print();
    });
  }

  // Printing from the browser's menu cannot wait; starting every download still helps the
  // preview, which a reader usually looks at before confirming.
  window.addEventListener("beforeprint", function () {
    loadImages();
  });

  window.addEventListener("afterprint", function () {
    // A later plain 印刷 prints horizontally again, unless the address asked for vertical.
    setVertical(layoutFromAddress);
  });

  document.querySelectorAll(".print-actions").forEach(function (actions) {
    actions.hidden = false;
    actions.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-print]");
      if (!button) return;
      button.disabled = true;
      printAs(button.dataset.print).catch(function (error) {
        window.alert("印刷の準備に失敗しました。ページを読み込み直してください。\n" + error);
      }).finally(function () {
        button.disabled = false;
      });
    });
  });

  if (layoutFromAddress) setVertical(true);
})();
