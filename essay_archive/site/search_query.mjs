// Run a built Pagefind index the way the site's search box does, offline, and print what it finds.
//
// Usage: node search_query.mjs ROOT FOLDER[,FOLDER…] QUERY…
//
// ROOT holds the index folders (pagefind/, pagefind-1/…); the first folder is loaded and the others
// are merged into it with mergeIndex, as overrides/assets/javascripts/search.js does. For each query
// one JSON line is printed: {"query", "count", "urls"} with the URLs of the first results. Files are
// read from disk: nothing is fetched from the network. Any failure (a truncated WebAssembly file, a
// missing index chunk) ends the script with a non-zero status and Pagefind's own message.

import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Results looked at per query: an essay's number must bring it up among these. */
const TOP = 10;

const [root, folders, ...queries] = process.argv.slice(2);

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
for (const query of queries) {
  const search = await pagefind.search(query);
  const urls = [];
  for (const result of search.results.slice(0, TOP)) urls.push((await result.data()).url);
  console.log(JSON.stringify({ query, count: search.results.length, urls }));
}
