// Run a built Pagefind index the way the site's search box does, offline, and report what it finds.
//
// Usage: node search_query.mjs ROOT FOLDER[,FOLDER…] QUERY=FRAGMENT…
//
// ROOT holds the index folders (pagefind/, pagefind-1/…); the first folder is loaded and the others
// are merged into it with mergeIndex, as overrides/assets/javascripts/search.js does. Each argument
// QUERY=FRAGMENT searches QUERY and looks for the result whose id is FRAGMENT (the essay's
// fragment/FRAGMENT.pf_fragment, as the build found it on disk) among *all* results, not only the
// first few: a short query such as an essay's number "1" also matches 10, 100, 1990年… in hundreds
// of essays, and ranks are not comparable between shards (each shard weighs words by its own page
// count). The found result's data is loaded through Pagefind, as a click on it would. One JSON
// line is printed per query: {"query", "fragment", "count", "rank", "url"} (rank and url null when
// the fragment is not among the results). Files are read from disk: nothing is fetched from the
// network. Any failure (a truncated WebAssembly file, a missing index chunk) ends the script with a
// non-zero status and Pagefind's own message.

import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";

const [root, folders, ...pairs] = process.argv.slice(2);

globalThis.fetch = async (input) => {
  const url = new URL(typeof input === "string" ? input : input.url);
  if (url.protocol !== "file:") throw new Error(`the offline check refuses to fetch ${url}`);
  return new Response(await readFile(fileURLToPath(url)), { status: 200 });
};

const base = pathToFileURL(root.endsWith("/") ? root : `${root}/`);
const [primary, ...shards] = folders.split(",").map((folder) => new URL(`${folder}/`, base));
const pagefind = await import(new URL("pagefind.js", primary).href);
await pagefind.options({ basePath: primary.href, baseUrl: "/", noWorker: true });
await pagefind.init();
for (const shard of shards) await pagefind.mergeIndex(shard.href, { baseUrl: "/" });
for (const pair of pairs) {
  const split = pair.lastIndexOf("=");
  const [query, fragment] = [pair.slice(0, split), pair.slice(split + 1)];
  const search = await pagefind.search(query);
  const rank = search.results.findIndex((result) => result.id === fragment);
  const url = rank < 0 ? null : (await search.results[rank].data()).url;
  console.log(JSON.stringify({ query, fragment, count: search.results.length, rank: rank < 0 ? null : rank, url }));
}
