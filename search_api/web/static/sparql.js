// The SPARQL page: a YASQE editor (from npm, vendored) over the textarea, example queries, and the
// results of POST /sparql (SPARQL JSON) as a table. Without scripts the form posts the query itself.
"use strict";

const form = document.getElementById("sparql-form");
const textarea = document.getElementById("query");
const status = document.getElementById("sparql-status");
const table = document.getElementById("sparql-results");
const examples = JSON.parse(document.getElementById("examples").textContent);
let editor = null;

const YasqeClass = window.Yasqe && (window.Yasqe.default || window.Yasqe);
if (typeof YasqeClass === "function") {
  editor = new YasqeClass(document.getElementById("editor"), {
    value: textarea.value,
    persistent: null,
    createShareableLink: null,
    showQueryButton: false,
    resizeable: true,
    editorHeight: "320px",
    requestConfig: { endpoint: "/sparql" },
  });
  textarea.hidden = true;
  const input = editor.getInputField();
  input.setAttribute("aria-label", "Spørring (SPARQL)");
  input.id = "query-editor";
  document.querySelector('label[for="query"]').setAttribute("for", "query-editor");
  editor.on("change", () => { textarea.value = editor.getValue(); });
  editor.addKeyMap({ "Ctrl-Enter": () => run(), "Cmd-Enter": () => run() });
}

function cellText(term) {
  if (!term) return "";
  return term.value;
}

async function run() {
  const query = editor ? editor.getValue() : textarea.value;
  status.textContent = "Kjører …";
  table.replaceChildren();
  const started = performance.now();
  let resp;
  try {
    resp = await fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json" },
      body: new URLSearchParams({ query }),
    });
  } catch (err) {
    status.textContent = "Fikk ikke kontakt med tjenesten.";
    return;
  }
  if (!resp.ok) {
    const body = await resp.json().catch(() => ({}));
    status.textContent = `Spørringen feilet: ${body.error || resp.status}`;
    return;
  }
  const data = await resp.json();
  const ms = Math.round(performance.now() - started);
  if (data.boolean !== undefined) {
    status.textContent = `Svar: ${data.boolean ? "ja" : "nei"} (${ms} ms).`;
    return;
  }
  const vars = data.head.vars;
  const rows = data.results.bindings;
  const caption = document.createElement("caption");
  caption.textContent = `${rows.length} rader`;
  const head = document.createElement("thead");
  const hr = document.createElement("tr");
  vars.forEach((v) => { const th = document.createElement("th"); th.scope = "col"; th.textContent = v; hr.append(th); });
  head.append(hr);
  const body = document.createElement("tbody");
  for (const row of rows) {
    const tr = document.createElement("tr");
    vars.forEach((v) => { const td = document.createElement("td"); td.textContent = cellText(row[v]); tr.append(td); });
    body.append(tr);
  }
  table.append(caption, head, body);
  status.textContent = `${rows.length} rader (${ms} ms).`;
}

form.addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
document.querySelectorAll("button.example").forEach((b) => b.addEventListener("click", () => {
  const q = examples[Number(b.dataset.example)].query;
  if (editor) editor.setValue(q); else textarea.value = q;
  run();
}));
