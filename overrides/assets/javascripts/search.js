// Essay search in Material's header box, answered by Pagefind.
//
// The inline opener in partials/header.html loads this module the first time the reader opens
// the box; this module then loads Pagefind. Nothing of search is fetched before that.

const box = document.querySelector("[data-essay-search]");
const toggle = document.getElementById("__search");
const input = box.querySelector(".md-search__input");
const form = box.querySelector(".md-search__form");
const meta = box.querySelector(".md-search-result__meta");
const list = box.querySelector(".md-search-result__list");
const scrollwrap = box.querySelector(".md-search__scrollwrap");

/** Results whose excerpts are fetched at once; each costs one small request. */
const PAGE_SIZE = 8;
const MESSAGES = {
  prompt: "検索キーワードを入力してください",
  loading: "検索しています…",
  none: (query) => `「${query}」は見つかりませんでした`,
  found: (count) => `${count}件見つかりました`,
  atLeast: (count) => `${count}件以上見つかりました`,
  more: (count) => `さらに表示（候補あと${count}件）`,
  searchOn: (count) => `さらに探す（候補あと${count}件）`,
  failed: "検索を読み込めませんでした。ページを再読み込みしてください",
};

// The site may live under a subpath (GitHub Pages): result URLs start where the site starts.
const pagefindUrl = new URL(box.dataset.pagefind, document.baseURI);
const siteBase = new URL("..", pagefindUrl).pathname;
// Past 1,000 essays the index is split (see search_index.py): pagefind/ holds the newest essays,
// these folders the older ones. The build lists them in the header, so finding them costs nothing.
const shardPaths = (box.dataset.pagefindShards || "").split(" ").filter(Boolean)
  .map((path) => new URL(path, document.baseURI).pathname);

let pagefind = null;
function loadPagefind() {
  pagefind ??= import(pagefindUrl.href).then(async (module) => {
    // No worker: it would fetch a second 41 kB copy of Pagefind, and a search over the essay
    // index takes a few milliseconds on the main thread.
    await module.options({ baseUrl: siteBase, noWorker: true });
    await module.init();
    // Merged shards answer every search with the primary index, results ordered by score.
    await Promise.all(shardPaths.map((path) => module.mergeIndex(path, { baseUrl: siteBase })));
    return module;
  });
  return pagefind;
}

/**
 * What the reader typed, as Pagefind should see it: full-width letters and digits folded
 * (５８６ → 586), and an issue number alone (第586号, No. 0586) reduced to its digits.
 */
function normaliseQuery(raw) {
  const query = raw.normalize("NFKC").replace(/\s+/g, " ").trim();
  const number = query.match(/^(?:第|No\.?\s*)?0*(\d+)\s*号?$/i);
  return number ? number[1] : query;
}

/** Pagefind's index marks Japanese word boundaries with zero-width spaces; readers never type them. */
function withoutSegmentMarks(text) {
  return text.replace(/\u200b/g, "");
}

/** Text folded the same way for queries and pages: NFKC, then lower case. */
function fold(text) {
  return text.normalize("NFKC").toLocaleLowerCase();
}

/**
 * Whether a page's text holds every word of the query as written. Pagefind segments the query in
 * the browser (Intl.Segmenter) differently from the index, and looks words up by prefix, so its
 * plain hits include pages that only share pieces of a word (外国語 for 外貨, 弾薬 for 弾よけ).
 */
function holdsEveryTerm(text, terms) {
  const folded = fold(withoutSegmentMarks(text));
  return terms.every((term) => folded.includes(term));
}

/**
 * Exact-phrase hits first, then the rest: Pagefind alone splits 短波ラジオ into 短波 + ラジオ and
 * may rank a page with 短波放送 and ラジオ above the essay that has the phrase.
 */
function mergePhraseFirst(phraseResults, plainResults) {
  const seen = new Set();
  const merged = [];
  for (const result of [...phraseResults, ...plainResults]) {
    if (seen.has(result.id)) continue;
    seen.add(result.id);
    merged.push(result);
  }
  return merged;
}

async function find(query) {
  const engine = await loadPagefind();
  const quoted = query.includes('"') ? null : engine.search(`"${query}"`);
  const [plain, phrase] = await Promise.all([engine.search(query), quoted]);
  const phraseResults = phrase ? phrase.results : [];
  return { candidates: mergePhraseFirst(phraseResults, plain.results), phraseCount: phraseResults.length };
}

// Pagefind's excerpt is HTML with <mark> around matches; keep only text and those marks.
function excerptNodes(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const nodes = [];
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(node.textContent));
    }
  }
  return nodes;
}

/** Characters of context shown before and after the first match. */
const EXCERPT_BEFORE = 30;
const EXCERPT_AFTER = 70;

/**
 * A snippet around the first place the page holds the query, every query word marked. Pagefind's
 * own excerpt may sit on a partial match (弾薬 for 弾よけ); it is used only when the folded text
 * cannot be lined up with the original.
 */
function excerptFor(page, terms) {
  const content = withoutSegmentMarks(page.content);
  const folded = fold(content);
  // The page text opens with its header (number · date · author · title, tags); a match in the
  // body after it says more, and the snippet never reaches back into the date and author.
  const title = page.meta.title ? folded.indexOf(fold(page.meta.title)) : -1;
  let bodyStart = title < 0 ? 0 : title + page.meta.title.length;
  while (bodyStart < content.length && /[\s.。・]/.test(content[bodyStart])) bodyStart++;
  let first = folded.indexOf(terms[0], bodyStart);
  if (first < 0) {
    first = folded.indexOf(terms[0]);
    bodyStart = 0;
  }
  if (folded.length !== content.length || first < 0) return excerptNodes(page.excerpt);
  const start = Math.max(bodyStart, first - EXCERPT_BEFORE);
  const end = Math.min(content.length, first + terms[0].length + EXCERPT_AFTER);
  const marked = new Array(end - start).fill(false);
  for (const term of terms) {
    for (let at = folded.indexOf(term, start); at >= 0 && at < end; at = folded.indexOf(term, at + 1)) {
      for (let i = at; i < Math.min(at + term.length, end); i++) marked[i - start] = true;
    }
  }
  const nodes = [];
  if (start > 0) nodes.push(document.createTextNode("…"));
  let run = start;
  for (let i = start; i <= end; i++) {
    if (i === end || marked[i - start] !== marked[run - start]) {
      const text = content.slice(run, i);
      if (marked[run - start]) {
        const mark = document.createElement("mark");
        mark.textContent = text;
        nodes.push(mark);
      } else {
        nodes.push(document.createTextNode(text));
      }
      run = i;
    }
  }
  if (end < content.length) nodes.push(document.createTextNode("…"));
  return nodes;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

let resultCount = 0;
function renderItem(data, terms) {
  const index = resultCount++;
  const item = element("li", "md-search-result__item");
  item.id = `essay-search-result-${index}`;
  item.setAttribute("role", "option");
  item.setAttribute("aria-selected", "false");
  const link = element("a", "md-search-result__link");
  link.href = data.url;
  link.tabIndex = -1;
  const article = element("article", "md-search-result__article md-typeset");
  article.append(element("div", "md-search-result__icon md-icon"));
  article.append(element("h1", "essay-search__title", data.meta.title || data.url));
  const label = [data.meta.label, data.meta.date].filter(Boolean).join(" · ");
  if (label) article.append(element("p", "essay-search__label", label));
  const excerpt = element("p", "essay-search__excerpt");
  excerpt.append(...excerptFor(data, terms));
  article.append(excerpt);
  link.append(article);
  item.append(link);
  return item;
}

let search = null;
let active = -1;

function items() {
  return [...list.querySelectorAll(".md-search-result__item")];
}

function select(index) {
  const all = items();
  if (!all.length) return;
  active = (index + all.length) % all.length;
  all.forEach((item, position) => {
    const on = position === active;
    item.classList.toggle("essay-search__item--active", on);
    item.setAttribute("aria-selected", String(on));
  });
  input.setAttribute("aria-activedescendant", all[active].id);
  all[active].scrollIntoView({ block: "nearest" });
}

/** Candidates checked per call at most, so a query with no answer never fetches every page. */
const MAX_CHECKS = PAGE_SIZE * 2;

// Show the next page of results: fetch candidates' excerpts in order, keep those that really
// hold the query, until a page is full or the check budget is spent.
async function showMore(current) {
  let added = 0;
  let checked = 0;
  while (added < PAGE_SIZE && checked < MAX_CHECKS && current.cursor < current.candidates.length) {
    const batch = current.candidates.slice(current.cursor, current.cursor + PAGE_SIZE - added);
    current.cursor += batch.length;
    checked += batch.length;
    const pages = await Promise.all(batch.map((result) => result.data()));
    if (current !== search) return;
    const kept = pages.filter((page) => holdsEveryTerm(page.content, current.terms));
    list.querySelector(".essay-search__more")?.remove();
    list.append(...kept.map((page) => renderItem(page, current.terms)));
    added += kept.length;
    current.shown += kept.length;
  }
  list.querySelector(".essay-search__more")?.remove();
  const remaining = current.candidates.length - current.cursor;
  if (remaining) {
    const more = element("li", "essay-search__more");
    const label = current.shown ? MESSAGES.more(remaining) : MESSAGES.searchOn(remaining);
    const button = element("button", "essay-search__more-button", label);
    button.type = "button";
    button.addEventListener("click", () => showMore(current));
    more.append(button);
    list.append(more);
  }
  // Phrase hits hold the query for sure; unchecked plain hits might not.
  const atLeast = Math.max(current.shown, current.phraseCount);
  const known = !remaining || atLeast >= current.shown + remaining;
  if (!current.shown) meta.textContent = MESSAGES.none(current.query);
  else meta.textContent = known ? MESSAGES.found(atLeast) : MESSAGES.atLeast(atLeast);
  input.setAttribute("aria-expanded", String(current.shown > 0));
  box.dataset.state = current.shown ? "results" : "none";
}

async function run() {
  const query = normaliseQuery(input.value);
  const current = { query, terms: fold(query).replace(/"/g, "").split(" ").filter(Boolean), candidates: [], cursor: 0, shown: 0, phraseCount: 0 };
  search = current;
  if (!query) {
    list.replaceChildren();
    meta.textContent = MESSAGES.prompt;
    input.setAttribute("aria-expanded", "false");
    box.dataset.state = "empty";
    return;
  }
  box.dataset.state = "searching";
  meta.textContent = MESSAGES.loading;
  try {
    Object.assign(current, await find(query));
  } catch (error) {
    if (current === search) {
      meta.textContent = MESSAGES.failed;
      box.dataset.state = "failed";
    }
    throw error;
  }
  if (current !== search) return;
  resultCount = 0;
  active = -1;
  input.removeAttribute("aria-activedescendant");
  list.replaceChildren();
  scrollwrap.scrollTop = 0;
  await showMore(current);
}

function close() {
  toggle.checked = false;
  input.blur();
}

// An IME sends input events while the reader composes; only the committed text is searched.
let composing = false;
input.addEventListener("compositionstart", () => { composing = true; });
input.addEventListener("compositionend", () => { composing = false; run(); });
input.addEventListener("input", (event) => {
  if (composing || event.isComposing) return;
  run();
});
form.addEventListener("reset", () => setTimeout(run));
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const target = items()[Math.max(active, 0)];
  if (target) target.querySelector("a").click();
});

document.addEventListener("keydown", (event) => {
  if (!toggle.checked || event.isComposing || composing) return;
  if (event.key === "Escape") {
    event.preventDefault();
    close();
  } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    if (document.activeElement !== input) input.focus();
    select(active + (event.key === "ArrowDown" ? 1 : -1) + (active < 0 && event.key === "ArrowUp" ? 1 : 0));
  }
});

toggle.addEventListener("change", () => {
  if (!toggle.checked) input.blur();
});

box.dataset.ready = "1";
loadPagefind().catch(() => { meta.textContent = MESSAGES.failed; });
if (input.value) run();
