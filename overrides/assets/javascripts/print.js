/*
 * Printing essays and booklets: the 印刷 buttons, 縦書き (vertical) printing, the 書き込み用
 * edition with a wide margin for notes, and printing every part of a split booklet as one job.
 * ?layout=vertical and ?layout=notes open a page already set for that printout, so a layout can
 * be linked to and tested.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  // Each layout is a class on the root element that print.css styles; across is the default.
  var LAYOUT_CLASSES = { horizontal: null, vertical: "print-vertical", notes: "print-notes" };
  var NUMBER = /[0-9０-９]+/g;
  var ASCII_DIGIT = /[0-9]/;
  var asked = new URLSearchParams(window.location.search).get("layout");
  var layoutFromAddress = Object.prototype.hasOwnProperty.call(LAYOUT_CLASSES, asked) ? asked : "horizontal";
  var currentLayout = "horizontal";

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

  // Marks that lie on their side in vertical text get the forms a vertical book uses:
  // “ ” become 〝 〟, the full-width tilde the wave dash, whose vertical form the fonts carry.
  // The text is given back when the page reads across again.
  var VERTICAL_FORMS = { "\u201c": "\u301d", "\u201d": "\u301f", "\uff5e": "\u301c" };
  var ACROSS_ONLY = /[\u201c\u201d\uff5e]/;

  function useVerticalForms(container) {
    var walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        if (!ACROSS_ONLY.test(node.data)) return NodeFilter.FILTER_REJECT;
        var parent = node.parentElement;
        if (!parent || parent.closest(".essay-address, a[href^='http'], script, style, code, pre")) {
          return NodeFilter.FILTER_REJECT;
        }
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var pieces = document.createDocumentFragment();
      node.data.split(/([\u201c\u201d\uff5e])/).forEach(function (piece) {
        if (!VERTICAL_FORMS[piece]) {
          if (piece) pieces.append(piece);
          return;
        }
        var span = document.createElement("span");
        span.className = "vertical-form";
        span.dataset.across = piece;
        span.textContent = VERTICAL_FORMS[piece];
        pieces.append(span);
      });
      node.replaceWith(pieces);
    });
  }

  function useAcrossForms(container) {
    container.querySelectorAll(".vertical-form").forEach(function (span) {
      span.replaceWith(span.dataset.across);
    });
  }

  function printed() {
    return document.querySelectorAll(".essay, .booklet");
  }

  function setLayout(layout) {
    Object.keys(LAYOUT_CLASSES).forEach(function (name) {
      if (LAYOUT_CLASSES[name]) root.classList.toggle(LAYOUT_CLASSES[name], name === layout);
    });
    currentLayout = layout;
    var vertical = layout === "vertical";
    printed().forEach(function (container) {
      if (vertical) {
        markNumbers(container);
        useVerticalForms(container);
      } else {
        useAcrossForms(container);
        container.normalize();
      }
    });
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
  // blank boxes. Resolves with the photos still not whole when 15 seconds are up (a slow
  // connection); a photo whose file fails is printed without and is not among them.
  function loadImages(deadline, failed) {
    deadline = deadline || Date.now() + 15000;
    failed = failed || [];
    var images = [];
    printed().forEach(function (container) {
      container.querySelectorAll("img").forEach(function (image) { images.push(image); });
    });
    function ready(image) { return failed.indexOf(image) >= 0 || (image.complete && image.naturalWidth > 0); }
    return Promise.all(images.map(function (image) {
      image.loading = "eager";
      // A lazy image not yet asked for may count as "complete" with no pixels: wait for its file.
      if (ready(image)) return Promise.resolve();
      return new Promise(function (resolve) {
        image.addEventListener("load", resolve, { once: true });
        image.addEventListener("error", function () { failed.push(image); resolve(); }, { once: true });
        window.setTimeout(resolve, Math.max(0, deadline - Date.now()));
      });
    })).then(function () {
      // Decoded too, so that print draws every photo at once. Never past the deadline: decode()
      // waits for a file that may never come.
      var timeUp = new Promise(function (resolve) { window.setTimeout(resolve, Math.max(0, deadline - Date.now())); });
      return Promise.all(images.map(function (image) {
        if (failed.indexOf(image) >= 0) return undefined;
        return Promise.race([image.decode().catch(function () { return undefined; }), timeUp]);
      }));
    }).then(function () {
      // Look again until every photo has its pixels: a window resized meanwhile makes a photo load
      // another srcset candidate.
      if (images.every(ready)) return [];
      if (Date.now() >= deadline) return images.filter(function (image) { return !ready(image); });
      return loadImages(deadline, failed);
    });
  }

  function stillLoading(count) {
    return "写真" + count + "枚の読み込みが終わっていません。このまま印刷しますか？" +
      "（「キャンセル」なら印刷せず、読み込みを続けます）\n(" + count +
      (count === 1 ? " photo has" : " photos have") + " not finished loading. Print anyway?)";
  }

  // kind: a layout, or "all" (a split booklet's every part, in the layout already set).
  function printAs(kind) {
    var gathered = kind === "all" ? gatherParts() : Promise.resolve();
    return gathered.then(function () {
      // Applied after gathering, so fetched essays get vertical forms too. The layout styles only
      // the printout (print.css), so it changes no photo's srcset candidate: the screen's width
      // decides that, and Chromium picks no other file when print opens.
      setLayout(Object.prototype.hasOwnProperty.call(LAYOUT_CLASSES, kind) ? kind : currentLayout);
      return loadImages();
    }).then(function (missing) {
      // Printed now, a photo still loading would be half drawn or blank on paper: the reader
      // decides (a study group may prefer the text now to the photos later).
      if (missing.length && !window.confirm(stillLoading(missing.length))) return;
      window.print();
    });
  }

  // Printing from the browser's menu cannot wait; starting every download still helps the
  // preview, which a reader usually looks at before confirming.
  window.addEventListener("beforeprint", function () {
    loadImages();
  });

  window.addEventListener("afterprint", function () {
    // A later plain 印刷 prints across again, unless the address asked for another layout.
    setLayout(layoutFromAddress);
  });

  document.querySelectorAll(".print-actions").forEach(function (actions) {
    actions.hidden = false;
    actions.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-print]");
      if (!button) return;
      // A choice from the essay page's 印刷 menu closes it, focus back on the menu's button.
      var menu = button.closest("details");
      if (menu) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
      button.disabled = true;
      printAs(button.dataset.print).catch(function (error) {
        window.alert("印刷の準備に失敗しました。ページを読み込み直してください。\n" + error);
      }).finally(function () {
        button.disabled = false;
      });
    });
  });

  if (layoutFromAddress !== "horizontal") setLayout(layoutFromAddress);
})();
