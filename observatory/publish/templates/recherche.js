// Search page: runs the query of ?q= against the Pagefind index written with the site.
// Producers' text (titles, names) is shown with textContent only, never parsed as HTML.
const SHOWN = 20;
const siteRoot = new URL("../", import.meta.url);
const status = document.getElementById("recherche-etat");
const list = document.getElementById("recherche-resultats");
const query = (new URLSearchParams(window.location.search).get("q") || "").trim();

function say(text) {
  status.textContent = text;
}

function resultItem(data) {
  const raw = String(data.raw_url || data.url || "").replace(/^\/+/, "");
  const target = new URL(raw, siteRoot);
  if (target.origin !== siteRoot.origin || !target.href.startsWith(siteRoot.href)) {
    return null;
  }
  const meta = data.meta || {};
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = target.href;
  link.textContent = meta.title || raw;
  const about = document.createElement("span");
  about.className = "muted";
  about.textContent = [meta.kind, meta.detail].filter(Boolean).join(" · ");
  item.append(link, about);
  return item;
}

async function run() {
  document.getElementById("recherche-q").value = query;
  if (!query) {
    say("Saisissez un nom ou quelques mots dans le champ de recherche.");
    return;
  }
  say("Recherche en cours…");
  const pagefind = await import(new URL("pagefind/pagefind.js", siteRoot).href);
  // The index is written in parts (pagefind/shard-2/…), listed in pagefind/shards.json
  // (asked afresh: a list kept from an older publication may name parts gone since).
  // A part that does not load costs its own results only.
  const listed = await fetch(new URL("pagefind/shards.json", siteRoot), { cache: "no-cache" })
    .then((r) => (r.ok ? r.json() : []))
    .catch(() => []);
  const shards = Array.isArray(listed) ? listed.filter((p) => /^shard-[0-9]+\/$/.test(p)) : [];
  for (const shard of shards) {
    try {
      await pagefind.mergeIndex(new URL(`pagefind/${shard}`, siteRoot).href);
    } catch {
      // searched without that part
    }
  }
  await pagefind.init();
  const found = await pagefind.search(query);
  const datas = await Promise.all(found.results.slice(0, SHOWN).map((r) => r.data()));
  const items = datas.map(resultItem).filter(Boolean);
  list.replaceChildren(...items);
  const total = found.results.length;
  if (total === 0) {
    say(`Aucun résultat pour « ${query} ».`);
  } else if (total > SHOWN) {
    say(`${total} résultats pour « ${query} » ; les ${SHOWN} premiers sont affichés, précisez la recherche.`);
  } else {
    say(`${total} résultat${total > 1 ? "s" : ""} pour « ${query} ».`);
  }
}

run().catch(() => {
  say("La recherche n'a pas pu se charger : elle demande un site servi par un serveur web. Parcourez les listes ci-dessous.");
});
