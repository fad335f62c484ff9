import { html, raw } from "hono/html";
import { CLASSIFICATION_LABEL, changeDates, day, formatAddress, lineText } from "./public-page.words";
import type { PublicChange, PublicView } from "../../features/public-page/public-page.view";

// A standalone page: inline CSS, no script, no external asset. Every value is escaped by
// hono/html's template; only the constant style sheet is inserted raw. (Not named *.html.ts:
// wrangler bundles an import ending in .html as a text module.)

const STYLE = `
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:72rem;padding:1.5rem;color:#1b1b1b;background:#fff}
h1{font-size:1.8rem;margin:0 0 .25rem}h2{font-size:1.3rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.25rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{text-align:left;vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid #eee}
th{background:#f6f6f6}.muted{color:#555}.tag{display:inline-block;padding:0 .4rem;border-radius:.3rem;background:#eef;font-size:.85rem}
.third_country{background:#fde8e8}.adequacy{background:#fff4d6}.eu_eea{background:#e6f4ea}ol.changes{padding-left:1.2rem}ol.changes>li{margin-bottom:1rem}
@media (max-width:40rem){table,thead,tbody,tr,th,td{display:block}thead{display:none}td{border:0;padding:.1rem 0}tr{border-bottom:1px solid #ddd;padding:.5rem 0}}
`;

const time = (d: Date) => html`<time datetime="${d.toISOString()}">${day(d)}</time>`;

function changeItem(c: PublicChange) {
  return html`<li id="${c.status}-${c.changeRequestId}">
<p>${changeDates(c).join(" ")}</p>
<ul>${c.changes.map((l) => html`<li>${lineText(l)}</li>`)}</ul>
</li>`;
}

/** The public sub-processor page. */
export async function renderPublicPage(view: PublicView, paths: { atom: string; json: string }): Promise<string> {
  const title = `Sub-processors of ${view.processorName}`;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="alternate" type="application/atom+xml" title="${title} (Atom)" href="${paths.atom}">
<link rel="alternate" type="application/feed+json" title="${title} (JSON Feed)" href="${paths.json}">
<style>${raw(STYLE)}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<p class="muted">The companies ${view.processorName} engages to process personal data on its customers' behalf, the changes ahead, and the changes made. Last updated ${time(view.lastModified)}. Follow the changes: <a href="${paths.atom}">Atom feed</a> · <a href="${paths.json}">JSON Feed</a>.</p>
</header>
<main>
<section id="sub-processors">
<h2>Current sub-processors</h2>
${
  view.subProcessors.length
    ? html`<table>
<thead><tr><th>Sub-processor</th><th>Registration</th><th>Country</th><th>Classification</th><th>Purpose</th><th>Processes data in</th></tr></thead>
<tbody>
${view.subProcessors.map(
  (s) => html`<tr id="sp-${s.ref}">
<td><strong>${s.legalName}</strong></td>
<td>${s.registration.number}<br><span class="muted">${s.registration.scheme}</span></td>
<td>${s.countryName}</td>
<td><span class="tag ${s.classification}">${CLASSIFICATION_LABEL[s.classification]}</span>${s.transferMechanism ? html`<br><span class="muted">${s.transferMechanism}</span>` : ""}</td>
<td>${s.purpose}</td>
<td>${s.processingCountries.join(", ")}</td>
</tr>`,
)}
</tbody>
</table>`
    : html`<p>No sub-processors.</p>`
}
</section>
${
  view.locations
    ? html`<section id="locations">
<h2>Processing locations</h2>
${
  view.locations.length
    ? html`<table>
<thead><tr><th>Location</th><th>Address</th><th>Classification</th><th>Activities</th></tr></thead>
<tbody>
${view.locations.map(
  (l) => html`<tr id="loc-${l.ref}">
<td><strong>${l.label}</strong>${l.description ? html`<br><span class="muted">${l.description}</span>` : ""}</td>
<td>${formatAddress(l.address)}</td>
<td><span class="tag ${l.classification}">${CLASSIFICATION_LABEL[l.classification]}</span></td>
<td>${l.activities.map((x) => x.replaceAll("_", " ")).join(", ")}</td>
</tr>`,
)}
</tbody>
</table>`
    : html`<p>No processing locations.</p>`
}
</section>`
    : ""
}
<section id="upcoming">
<h2>Upcoming changes</h2>
${view.upcoming.length ? html`<ol class="changes">${view.upcoming.map(changeItem)}</ol>` : html`<p>No upcoming changes.</p>`}
</section>
<section id="changelog">
<h2>Changelog</h2>
${view.changelog.length ? html`<ol class="changes">${view.changelog.map(changeItem)}</ol>` : html`<p>No changes yet.</p>`}
</section>
</main>
<footer>
<p class="muted">Classifications follow GDPR chapter V: inside the EU/EEA, or a third country (any country outside the EU/EEA) with an adequacy decision of the European Commission, or without one, where a transfer tool such as standard contractual clauses is needed. Published by ${view.processorName} through the Subprocessor Registry.</p>
</footer>
</body>
</html>
`;
  return String(await page);
}
