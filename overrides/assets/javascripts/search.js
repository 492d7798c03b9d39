// Essay search in Material's header box, answered by Pagefind.
//
// The inline opener in partials/header.html loads this module the first time the reader opens
// the box (or arrives with ?q= in the address); this module then loads Pagefind. Nothing of
// search is fetched before that.

const box = document.querySelector("[data-essay-search]");
const toggle = document.getElementById("__search");
const input = box.querySelector(".md-search__input");
const form = box.querySelector(".md-search__form");
const meta = box.querySelector(".md-search-result__meta");
const list = box.querySelector(".md-search-result__list");
const scrollwrap = box.querySelector(".md-search__scrollwrap");

/** Results shown per page; each costs one small request for its text. */
const PAGE_SIZE = 8;
/**
 * When no more than this many candidates are left unchecked, they are all checked at once, so the
 * count is exact from the start for a small result and from the last click for a large one.
 */
const CHECK_ALL_UP_TO = 16;
/** Candidates checked per page at most, so a query with no answer never fetches every page. */
const MAX_CHECKS = PAGE_SIZE * 2;
/** Pagefind filters offered in the box: the tag chips and the year of each essay (essay.html). */
const FILTERS = ["tag", "year"];
/** Material's breakpoint for its full-screen phone search. */
const PHONE = "(max-width: 59.984375em)";
const MESSAGES = {
  prompt: "検索キーワードを入力してください",
  loading: "検索しています…",
  none: (query) => (query ? `「${query}」は見つかりませんでした` : "見つかりませんでした"),
  found: (count) => `${count}件見つかりました`,
  // Candidates not checked yet may still turn out not to hold the query: said as such, and never
  // counted as results. A count of results (found, more) is only said once every candidate is checked.
  partial: (shown, candidates) => `候補${candidates}件中${shown}件を表示`,
  notYet: (candidates) => `候補${candidates}件をまだ確かめています`,
  more: (count) => `さらに表示（あと${count}件）`,
  searchOn: (count) => `さらに探す（候補あと${count}件）`,
  filters: "絞り込み",
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

/** Text folded the same way for queries and pages: NFKC, then lower case. */
function fold(text) {
  return text.normalize("NFKC").toLocaleLowerCase();
}

/**
 * ``text`` folded, with where each folded character came from, so that a match found in the
 * folded text can be marked in the original. Folding keeps most text's length (５８６ → 586)
 * and then maps one to one; otherwise (ｶﾞ → ガ, ㌔ → キロ) it goes character by character.
 */
function foldWithMap(text) {
  const whole = fold(text);
  const starts = [];
  const ends = [];
  if (whole.length === text.length) {
    for (let i = 0; i < text.length; i++) {
      starts.push(i);
      ends.push(i + 1);
    }
    return { folded: whole, starts, ends };
  }
  let folded = "";
  let position = 0;
  for (const char of text) {
    const piece = fold(char);
    for (let i = 0; i < piece.length; i++) {
      starts.push(position);
      ends.push(position + char.length);
    }
    folded += piece;
    position += char.length;
  }
  return { folded, starts, ends };
}

/**
 * Pagefind's page text as a reader would write it: without the zero-width spaces that mark
 * Japanese word boundaries in its index, the ". " it puts between blocks, or the space it puts
 * after 。 at the end of a paragraph.
 */
function readable(content) {
  const cjk = "\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef";
  return content
    .replace(/\u200b/g, "")
    .replace(new RegExp(`([${cjk}])[ \\t\\n]+(?=[${cjk}])`, "g"), "$1")
    .replace(new RegExp(`([^\\x00-\\x7f])\\. +`, "g"), (match, before) => (/[。．！？」』）]/.test(before) ? before : `${before}\u3000`))
    .replace(new RegExp(`([。、」』）！？])[ \\t\\n]+`, "g"), "$1");
}

/**
 * Whether a page's text holds every word of the query as written. Pagefind segments the query in
 * the browser (Intl.Segmenter) differently from the index, and looks words up by prefix, so its
 * plain hits include pages that only share pieces of a word (外国語 for 外貨, 弾薬 for 弾よけ).
 */
function holdsEveryTerm(text, terms) {
  const folded = fold(text.replace(/\u200b/g, ""));
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

async function find(query, filters) {
  const engine = await loadPagefind();
  const options = { filters };
  // A tag or a year alone lists its essays (Pagefind's filter-only search).
  if (!query) return (await engine.search(null, options)).results;
  const quoted = query.includes('"') ? null : engine.search(`"${query}"`, options);
  const [plain, phrase] = await Promise.all([engine.search(query, options), quoted]);
  return mergePhraseFirst(phrase ? phrase.results : [], plain.results);
}

/** Characters of context shown before and after the first match. */
const EXCERPT_BEFORE = 30;
const EXCERPT_AFTER = 70;

/** The paragraph (an element with an id, #p1, #p2…) where the query is, best first. */
function paragraphFor(page, terms) {
  if (!terms.length) return null;
  const anchors = (page.anchors || []).filter((anchor) => anchor.id && anchor.text);
  // A paragraph before any wrapping element that also holds it.
  const ordered = [...anchors.filter((anchor) => anchor.element === "p"), ...anchors.filter((anchor) => anchor.element !== "p")];
  const folded = ordered.map((anchor) => fold(anchor.text));
  const holding = (wanted) => ordered[folded.findIndex((text) => wanted.every((term) => text.includes(term)))];
  return holding(terms) || holding(terms.slice(0, 1)) || null;
}

/**
 * A snippet of ``text`` around its first match at or after ``from``, every query word marked.
 * Without a match there (the query is only in the title), the text from ``from`` on.
 */
function snippet(text, terms, from = 0) {
  const { folded, starts, ends } = foldWithMap(text);
  const after = starts.findIndex((start) => start >= from);
  // The earliest place any query word appears, so a snippet shows several words when it can.
  const places = after < 0 ? [] : terms.map((term) => folded.indexOf(term, after)).filter((at) => at >= 0);
  const first = places.length ? Math.min(...places) : -1;
  const origin = first < 0 ? from : starts[first];
  const start = first < 0 ? from : Math.max(from, origin - EXCERPT_BEFORE);
  const end = Math.min(text.length, origin + EXCERPT_AFTER + (first < 0 ? 0 : Math.max(...terms.map((term) => term.length))));
  const marked = new Array(end - start).fill(false);
  for (const term of terms) {
    for (let at = folded.indexOf(term); at >= 0; at = folded.indexOf(term, at + 1)) {
      for (let i = starts[at]; i < ends[at + term.length - 1] && i < end; i++) {
        if (i >= start) marked[i - start] = true;
      }
    }
  }
  const nodes = [];
  if (start > from) nodes.push(document.createTextNode("…"));
  let run = start;
  for (let i = start; i <= end; i++) {
    if (i === end || marked[i - start] !== marked[run - start]) {
      const piece = text.slice(run, i);
      if (marked[run - start]) nodes.push(element("mark", null, piece));
      else if (piece) nodes.push(document.createTextNode(piece));
      run = i;
    }
  }
  if (end < text.length) nodes.push(document.createTextNode("…"));
  return nodes;
}

/** The excerpt of a result: from the paragraph holding the query, else from the page text. */
function excerptFor(page, paragraph, terms) {
  if (paragraph) return snippet(paragraph.text, terms);
  const text = readable(page.content);
  // The page text opens with the title and the number, in either order (the result shows both); a match
  // in the body after them says more, and without a match the body's first lines are shown.
  let bodyStart = 0;
  for (const heading of [page.meta.title, page.meta.label, page.meta.title]) {
    while (bodyStart < text.length && /[\s\u3000。・]/.test(text[bodyStart])) bodyStart++;
    if (heading && text.startsWith(heading, bodyStart)) bodyStart += heading.length;
  }
  while (bodyStart < text.length && /[\s\u3000。・]/.test(text[bodyStart])) bodyStart++;
  return snippet(text, terms, bodyStart);
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Where a result leads: the paragraph holding the query, its words to be marked on arrival. */
function resultHref(page, paragraph, terms) {
  const url = new URL(page.url, location.href);
  if (terms.length) url.searchParams.set("highlight", terms.join(" "));
  if (paragraph) url.hash = paragraph.id;
  return url.pathname + url.search + url.hash;
}

let resultCount = 0;
function renderItem(page, terms) {
  const index = resultCount++;
  const paragraph = paragraphFor(page, terms);
  const item = element("li", "md-search-result__item");
  item.id = `essay-search-result-${index}`;
  item.setAttribute("role", "option");
  item.setAttribute("aria-selected", "false");
  const link = element("a", "md-search-result__link");
  link.href = resultHref(page, paragraph, terms);
  link.tabIndex = -1;
  const article = element("article", "md-search-result__article md-typeset");
  article.append(element("div", "md-search-result__icon md-icon"));
  article.append(element("h1", "essay-search__title", page.meta.title || page.url));
  const label = [page.meta.label, page.meta.date].filter(Boolean).join(" · ");
  if (label) article.append(element("p", "essay-search__label", label));
  const excerpt = element("p", "essay-search__excerpt");
  excerpt.append(...excerptFor(page, paragraph, terms));
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

/** Check candidates in order until ``enough`` are known to hold the query (or ``budget`` are spent). */
async function check(current, enough, budget) {
  let checked = 0;
  while (current.found.length < enough && checked < budget && current.cursor < current.candidates.length) {
    const batch = current.candidates.slice(current.cursor, current.cursor + Math.min(enough - current.found.length, budget - checked));
    current.cursor += batch.length;
    checked += batch.length;
    if (!current.terms.length) {
      // A filter alone: every candidate is a hit; its text is fetched when it is shown.
      current.found.push(...batch.map((result) => ({ result, page: null })));
      continue;
    }
    const pages = await Promise.all(batch.map((result) => result.data()));
    if (current !== search) return;
    pages.forEach((page, i) => {
      if (holdsEveryTerm(page.content, current.terms)) current.found.push({ result: batch[i], page });
    });
  }
}

// Show the next page of results: check candidates in order, keep those that really hold the
// query, and say exactly how many there are once every candidate is checked. Until then the list
// speaks of candidates (候補), a number that shrinks as candidates turn out not to hold the query,
// and never promises results it has not checked.
async function showMore(current) {
  const unchecked = current.candidates.length - current.cursor;
  // A later page also checks the rest at once when its budget would leave no more than a page of
  // candidates: the reader's last click then settles the count instead of checking leftovers.
  const checkAll = unchecked <= CHECK_ALL_UP_TO || (current.cursor > 0 && unchecked - MAX_CHECKS <= PAGE_SIZE);
  const wanted = current.shown + PAGE_SIZE;
  await check(current, checkAll ? Infinity : wanted, checkAll ? Infinity : MAX_CHECKS);
  if (current !== search) return;
  const next = current.found.slice(current.shown, wanted);
  const pages = await Promise.all(next.map((hit) => hit.page || hit.result.data()));
  if (current !== search) return;
  // The button stays where it is, so a reader on the keyboard who pressed it stays on it.
  let more = list.querySelector(".essay-search__more");
  const added = pages.map((page) => renderItem(page, current.terms));
  if (more) more.before(...added);
  else list.append(...added);
  current.shown += pages.length;
  const stillUnchecked = current.candidates.length - current.cursor;
  const left = current.found.length - current.shown + stillUnchecked;
  if (left && !more) {
    more = element("li", "essay-search__more");
    const button = element("button", "essay-search__more-button");
    button.type = "button";
    button.addEventListener("click", async () => {
      // A second press while candidates are checked would check the same ones twice.
      if (current.busy) return;
      current.busy = true;
      box.dataset.state = "searching";
      try {
        await showMore(current);
      } finally {
        current.busy = false;
      }
    });
    more.append(button);
    list.append(more);
  }
  if (left) more.firstChild.textContent = stillUnchecked ? MESSAGES.searchOn(left) : MESSAGES.more(left);
  else more?.remove();
  if (!stillUnchecked) meta.textContent = current.shown ? MESSAGES.found(current.found.length) : MESSAGES.none(current.query);
  else if (current.shown) meta.textContent = MESSAGES.partial(current.shown, current.shown + left);
  else meta.textContent = MESSAGES.notYet(left);
  input.setAttribute("aria-expanded", String(current.shown > 0));
  box.dataset.state = current.shown ? "results" : "none";
}

// --- Filters: a tag and a year, offered once the reader opens 絞り込み ------------------------

const chosen = Object.fromEntries(FILTERS.map((name) => [name, ""]));

function activeFilters() {
  return Object.fromEntries(Object.entries(chosen).filter(([, value]) => value));
}

/**
 * The 絞り込み panel, above the results. Its fields (search-filters.js) and their choices (from
 * Pagefind) are loaded when it is first opened, so a search without filters costs nothing more.
 */
function buildFilterPanel() {
  const panel = element("details", "essay-search__filters");
  panel.append(element("summary", "essay-search__filters-summary", MESSAGES.filters));
  let fields = null;
  panel.addEventListener("toggle", () => {
    if (!panel.open) return;
    fields ??= Promise.all([import(new URL("search-filters.js", import.meta.url)), loadPagefind()])
      .then(([module, engine]) => module.addFilterFields(panel, { engine, chosen, onChange: run }));
  });
  meta.after(panel);
  // Arriving with ?tag= or ?year=: the reader sees what narrows the list.
  if (Object.keys(activeFilters()).length) panel.open = true;
  return panel;
}

// --- The address: a search can be linked to and bookmarked -----------------------------------

/** Milliseconds of pause in typing before the address shows the search. */
const ADDRESS_DELAY = 300;
let addressTimer = 0;

/** Keep ?q= (and ?tag=, ?year=) in the address as the reader searches, without new history entries. */
function syncAddress(raw) {
  const url = new URL(location.href);
  const wanted = { q: raw, ...chosen };
  for (const [name, value] of Object.entries(wanted)) {
    if (value) url.searchParams.set(name, value);
    else url.searchParams.delete(name);
  }
  if (url.href !== location.href) history.replaceState(history.state, "", url);
}

async function run() {
  const raw = input.value.trim();
  const query = normaliseQuery(raw);
  const filters = activeFilters();
  const terms = fold(query).replace(/"/g, "").split(" ").filter(Boolean);
  const current = { raw, query, terms, candidates: [], cursor: 0, found: [], shown: 0 };
  search = current;
  // The address follows once the reader pauses, off the path from keystroke to results.
  clearTimeout(addressTimer);
  addressTimer = setTimeout(() => syncAddress(raw), ADDRESS_DELAY);
  if (!query && !Object.keys(filters).length) {
    list.replaceChildren();
    meta.textContent = MESSAGES.prompt;
    input.setAttribute("aria-expanded", "false");
    box.dataset.state = "empty";
    return;
  }
  box.dataset.state = "searching";
  meta.textContent = MESSAGES.loading;
  try {
    current.candidates = await find(query, filters);
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

/** A closed box is no longer a search to share: the address goes back to the page alone. */
function forgetAddress() {
  clearTimeout(addressTimer);
  const url = new URL(location.href);
  for (const name of ["q", ...FILTERS]) url.searchParams.delete(name);
  if (url.href !== location.href) history.replaceState(history.state, "", url);
}

function close() {
  toggle.checked = false;
  input.blur();
  forgetAddress();
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
// Enter (the phone keyboard's 検索 key) keeps the list: it opens a result only when the reader
// has moved to one with the arrow keys. On a phone it folds the keyboard away, so the list shows.
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const target = active >= 0 ? items()[active] : null;
  if (target) {
    target.querySelector("a").click();
    return;
  }
  if (!search || search.raw !== input.value.trim()) run();
  if (matchMedia(PHONE).matches) input.blur();
});

document.addEventListener("keydown", (event) => {
  if (event.isComposing || composing) return;
  // Escape closes the box and leaves it, also when the theme's own key handler (which runs
  // first) has already unticked the toggle: the focus must not stay in a hidden input.
  if (event.key === "Escape" && (toggle.checked || document.activeElement === input)) {
    event.preventDefault();
    close();
    return;
  }
  if (!toggle.checked) return;
  if ((event.key === "ArrowDown" || event.key === "ArrowUp") && !(event.target instanceof HTMLSelectElement)) {
    event.preventDefault();
    if (document.activeElement !== input) input.focus();
    select(active + (event.key === "ArrowDown" ? 1 : -1) + (active < 0 && event.key === "ArrowUp" ? 1 : 0));
  }
});

toggle.addEventListener("change", () => {
  if (toggle.checked) {
    syncAddress(input.value.trim());
    return;
  }
  input.blur();
  forgetAddress();
});

// Arriving with ?tag= or ?year= (the opener has put ?q= in the box already).
const params = new URLSearchParams(location.search);
for (const name of FILTERS) chosen[name] = params.get(name) || "";
buildFilterPanel();

box.dataset.ready = "1";
loadPagefind().catch(() => { meta.textContent = MESSAGES.failed; });
if (input.value || Object.keys(activeFilters()).length) run();
