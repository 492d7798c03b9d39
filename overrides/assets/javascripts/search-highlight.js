// Marks the searched words on an essay reached from a search result (…/essays/586/?highlight=クルスク州#p5).
//
// partials/header.html loads this only when the address has ?highlight=; search.js writes it,
// with the query folded as search folds it (NFKC, lower case). Marks go where search looks:
// inside the indexed essay (data-pagefind-body), not in the parts left out of the index.

(function () {
  var wanted = new URLSearchParams(location.search).get("highlight") || "";
  var terms = fold(wanted).split(/\s+/).filter(Boolean);
  if (!terms.length) return;

  function fold(text) {
    return text.normalize("NFKC").toLocaleLowerCase();
  }

  /** The text nodes of one block, in order, skipping what search leaves out. */
  function textNodes(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentElement;
        if (!parent || parent.closest("[data-pagefind-ignore], script, style, mark")) return NodeFilter.FILTER_REJECT;
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    return nodes;
  }

  /**
   * Mark every term in a block. The block's text is folded character by character with a note of
   * which text node and offset each folded character came from, so a word split by markup
   * (<em>クルスク</em>州) or changed in length by NFKC is still found and marked.
   */
  function markBlock(block) {
    var folded = "";
    var origin = [];
    textNodes(block).forEach(function (node) {
      var offset = 0;
      for (var char of node.data) {
        var piece = fold(char);
        for (var i = 0; i < piece.length; i++) origin.push({ node: node, start: offset, end: offset + char.length });
        folded += piece;
        offset += char.length;
      }
    });
    var ranges = [];
    terms.forEach(function (term) {
      for (var at = folded.indexOf(term); at >= 0; at = folded.indexOf(term, at + term.length)) {
        ranges.push([at, at + term.length]);
      }
    });
    // Per text node, the pieces to wrap; wrapped from the end so earlier offsets stay valid.
    var pieces = new Map();
    ranges.forEach(function (range) {
      for (var k = range[0]; k < range[1]; k++) {
        var from = origin[k];
        var list = pieces.get(from.node) || [];
        var last = list[list.length - 1];
        if (last && from.start <= last[1]) last[1] = Math.max(last[1], from.end);
        else list.push([from.start, from.end]);
        pieces.set(from.node, list);
      }
    });
    var count = 0;
    pieces.forEach(function (list, node) {
      list.sort(function (a, b) { return a[0] - b[0]; });
      for (var j = list.length - 1; j >= 0; j--) {
        var target = node.splitText(list[j][0]);
        target.splitText(list[j][1] - list[j][0]);
        var mark = document.createElement("mark");
        mark.className = "essay-search-highlight";
        target.replaceWith(mark);
        mark.append(target);
        count++;
      }
    });
    return count;
  }

  function markAll() {
    var essay = document.querySelector("[data-pagefind-body]");
    if (!essay) return;
    var blocks = essay.querySelectorAll("h1, h2, h3, h4, h5, h6, p, li, blockquote, figcaption, td, th, dt, dd");
    var marked = 0;
    blocks.forEach(function (block) {
      // Nested blocks (a p inside a li) are marked once, by the innermost.
      if (block.querySelector("p, li, blockquote, figcaption, td, th, dt, dd")) return;
      marked += markBlock(block);
    });
    essay.dataset.searchHighlight = String(marked);
    // Without a paragraph to land on (#p5), the first mark is brought into view.
    if (!location.hash) {
      var first = essay.querySelector("mark.essay-search-highlight");
      if (first) first.scrollIntoView({ block: "center" });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", markAll);
  else markAll();
})();
