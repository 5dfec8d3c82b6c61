// The actor–proposal and participation networks, drawn with Cytoscape.js from /web/api/network.
// The same edges are listed in a table below the drawing for keyboard and screen-reader users.
"use strict";

const STANCE_COLOURS = { supports: "#1b7d3a", qualified: "#b36b00", opposes: "#b3261e", mentions: "#6b7280" };
const TYPE_COLOURS = {
  municipality: "#1f5fa8", county: "#6a3fa0", "interest-organisation": "#00838f", union: "#ad1457",
  "state-agency": "#5d4037", ministry: "#37474f", "county-governor": "#2e7d32", "municipal-group": "#0277bd",
  commission: "#455a64", research: "#8d6e00", other: "#616161",
};
const labels = JSON.parse(document.getElementById("net-labels").textContent);
const container = document.getElementById("cy");
const info = document.getElementById("net-info");
const filter = document.getElementById("atype-filter");

function typeLabel(t) { return labels.types[t] || t; }

function fillTable(data) {
  const names = Object.fromEntries(data.nodes.map((n) => [n.id, n]));
  const body = document.querySelector("#edge-table tbody");
  body.replaceChildren();
  for (const e of data.edges) {
    const a = names[e.source], t = names[e.target];
    if (filter.value && a.actor_type !== filter.value) continue;
    const tr = document.createElement("tr");
    const cells = [a.label, typeLabel(a.actor_type), t.title ? `${t.label}: ${t.title}` : t.label];
    if (data.kind === "positions") cells.push(labels.stances[e.stance] || e.stance);
    cells.forEach((text, i) => {
      const cell = document.createElement(i === 0 ? "th" : "td");
      if (i === 0) cell.scope = "row";
      cell.textContent = text;
      tr.append(cell);
    });
    body.append(tr);
  }
}

function fillLegend(data) {
  const legend = document.getElementById("type-legend");
  const present = [...new Set(data.nodes.filter((n) => n.group === "actor").map((n) => n.actor_type))].sort();
  legend.replaceChildren(...present.map((t) => {
    const li = document.createElement("li");
    const key = document.createElement("span");
    key.className = "node-key";
    key.style.background = TYPE_COLOURS[t] || TYPE_COLOURS.other;
    key.setAttribute("aria-hidden", "true");
    li.append(key, ` ${typeLabel(t)}`);
    return li;
  }));
}

async function draw() {
  const kind = container.dataset.kind;
  const resp = await fetch(`/web/api/network?kind=${encodeURIComponent(kind)}`);
  const data = await resp.json();
  fillLegend(data);
  fillTable(data);
  const cy = cytoscape({
    container,
    elements: [
      ...data.nodes.map((n) => ({ data: { ...n, colour: TYPE_COLOURS[n.actor_type] || "#0b3a6f" } })),
      ...data.edges.map((e) => ({ data: { ...e, colour: STANCE_COLOURS[e.stance] || "#8a94a6" } })),
    ],
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 10, color: "#1a1a1a", "text-wrap": "wrap", "text-max-width": 110,
          "text-valign": "bottom", "text-margin-y": 3, width: "mapData(degree, 0, 12, 14, 40)", height: "mapData(degree, 0, 12, 14, 40)",
          "background-color": "data(colour)", "text-background-color": "#fff", "text-background-opacity": 0.8, "text-background-padding": 1 } },
      { selector: 'node[group = "proposal"]', style: { shape: "round-rectangle", "background-color": "#0b3a6f", color: "#fff",
          "text-valign": "center", "text-margin-y": 0, "text-background-opacity": 0, width: 38, height: 24, "font-weight": "bold" } },
      { selector: 'node[group = "pilot"]', style: { shape: "diamond", "background-color": "#c2410c" } },
      { selector: 'node[group = "grant-scheme"]', style: { shape: "round-rectangle", "background-color": "#0b3a6f" } },
      { selector: "edge", style: { width: 2.5, "line-color": "data(colour)", "curve-style": "bezier", opacity: 0.8 } },
      { selector: ".faded", style: { opacity: 0.12 } },
      { selector: ":selected", style: { "border-width": 3, "border-color": "#ffbf47" } },
    ],
    layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: () => 60000, idealEdgeLength: () => 120, nodeOverlap: 40, padding: 30 },
  });
  cy.on("tap", "node", (ev) => {
    const n = ev.target;
    cy.elements().addClass("faded");
    n.closedNeighborhood().removeClass("faded");
    const links = n.connectedEdges().length;
    info.textContent = `${n.data("title") ? n.data("label") + ": " + n.data("title") : n.data("label")}: ${links} forbindelser.`;
  });
  cy.on("tap", (ev) => { if (ev.target === cy) { cy.elements().removeClass("faded"); info.textContent = "Velg en node for å se forbindelsene."; } });
  filter.addEventListener("change", () => {
    const t = filter.value;
    cy.nodes('[group = "actor"]').forEach((n) => n.style("display", !t || n.data("actor_type") === t ? "element" : "none"));
    fillTable(data);
  });
  container.dataset.ready = String(data.nodes.length);
}

draw();
