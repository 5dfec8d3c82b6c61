// Curation in place: the reviewer's name and token (kept in this tab's sessionStorage) and the
// confirm / change / reject buttons of each position, sent to POST /curation.
"use strict";

const STORE = window.sessionStorage;
const STANCE_LABELS = {
  supports: "Støtter",
  qualified: "Støtter med forbehold",
  opposes: "Går imot",
  mentions: "Nevner",
  rejected: "Avvist (ingen holdning)",
};

function setupToken() {
  const form = document.getElementById("token-form");
  if (!form) return;
  const status = document.getElementById("token-status");
  const reviewer = form.querySelector("#reviewer");
  const token = form.querySelector("#token");
  reviewer.value = STORE.getItem("policykg-reviewer") || "";
  if (STORE.getItem("policykg-token")) {
    token.value = STORE.getItem("policykg-token");
    status.textContent = "Nøkkelen er i bruk. Du kan vurdere standpunktene under.";
  }
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    STORE.setItem("policykg-reviewer", reviewer.value.trim());
    STORE.setItem("policykg-token", token.value);
    status.textContent = "Nøkkelen er i bruk. Du kan vurdere standpunktene under.";
  });
}

async function curate(form, stance) {
  const status = form.querySelector(".curate-status");
  const token = STORE.getItem("policykg-token");
  const reviewer = STORE.getItem("policykg-reviewer");
  if (!token || !reviewer) {
    status.textContent = "Skriv inn navnet ditt og nøkkelen under «Saksbehandling» først.";
    document.getElementById("reviewer")?.focus();
    return;
  }
  status.textContent = "Lagrer …";
  let resp;
  try {
    resp = await fetch("/curation", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({
        target: form.dataset.target,
        document: form.dataset.document,
        stance,
        reviewer,
        note: "vurdert i nettgrensesnittet",
      }),
    });
  } catch (err) {
    status.textContent = "Fikk ikke kontakt med tjenesten. Prøv igjen.";
    return;
  }
  if (!resp.ok) {
    const body = await resp.json().catch(() => ({}));
    const why = resp.status === 401 ? "Nøkkelen er feil." : resp.status === 403 ? "Tjenesten tar ikke imot endringer (ingen nøkkel satt på serveren)." : body.error || `Feil ${resp.status}.`;
    status.textContent = `Ikke lagret: ${why}`;
    return;
  }
  const item = form.closest(".position");
  const badge = item.querySelector(".current .badge");
  if (badge) {
    badge.className = `badge stance-${stance}`;
    badge.textContent = STANCE_LABELS[stance] || stance;
  }
  const origin = item.querySelector(".origin");
  if (origin) {
    origin.className = "origin curated";
    origin.textContent = `Kontrollert av ${reviewer}`;
  }
  form.dataset.stance = stance;
  item.classList.toggle("rejected", stance === "rejected");
  status.textContent = `Lagret: ${STANCE_LABELS[stance] || stance}.`;
}

function setupCuration() {
  document.querySelectorAll("form.curate").forEach((form) => {
    form.addEventListener("submit", (ev) => ev.preventDefault());
    form.addEventListener("click", (ev) => {
      const button = ev.target.closest("button[data-action]");
      if (!button) return;
      const action = button.dataset.action;
      const stance =
        action === "confirm" ? form.dataset.stance : action === "reject" ? "rejected" : form.querySelector("select").value;
      curate(form, stance);
    });
  });
}

setupToken();
setupCuration();

// A letter opened at a search hit: move the focus there so keyboard and screen-reader users land on it.
const hit = document.getElementById("treff");
if (hit && window.location.hash === "#treff") hit.focus({ preventScroll: false });
