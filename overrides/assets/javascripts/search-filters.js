// The fields of the search box's 絞り込み panel: a tag and a year (Pagefind filters, written by
// essay.html on the tag chips and the date). search.js imports this when the panel first opens.

const LABELS = { tag: "タグ", year: "年" };
const ALL = "すべて";

function option(name, value, count) {
  const text = name === "year" ? `${value}年` : value;
  const node = document.createElement("option");
  node.value = value;
  node.textContent = count === undefined ? text : `${text}（${count}）`;
  return node;
}

/**
 * Add one select per filter to ``panel``, its choices the values Pagefind knows with their essay
 * counts (tags in 五十音順 as the collator sorts them, years newest first). ``chosen`` holds the
 * current value of each filter; ``onChange`` searches again after the reader picks one.
 */
export async function addFilterFields(panel, { engine, chosen, onChange }) {
  const available = await engine.filters();
  const fields = document.createElement("div");
  fields.className = "essay-search__filters-fields";
  for (const name of Object.keys(chosen)) {
    const label = document.createElement("label");
    label.className = "essay-search__filter";
    const caption = document.createElement("span");
    caption.textContent = LABELS[name] || name;
    const choice = document.createElement("select");
    choice.name = name;
    const counts = available[name] || {};
    const order = name === "year" ? (a, b) => b.localeCompare(a) : (a, b) => a.localeCompare(b, "ja");
    choice.append(option(name, "", undefined), ...Object.keys(counts).sort(order).map((value) => option(name, value, counts[value])));
    choice.firstElementChild.textContent = ALL;
    // A value from the address that no essay has any more still shows, so the reader can undo it.
    if (chosen[name] && !(chosen[name] in counts)) choice.append(option(name, chosen[name], 0));
    choice.value = chosen[name];
    choice.addEventListener("change", () => {
      chosen[name] = choice.value;
      onChange();
    });
    label.append(caption, choice);
    fields.append(label);
  }
  panel.append(fields);
}
