import { raw } from "hono/html";
import type { FC } from "hono/jsx";
import { HISTORY_COLUMNS, LOCATION_COLUMNS, PARTY_COLUMNS, partiesOf, SUB_PROCESSOR_COLUMNS, TERMS_COLUMNS, table, type DocumentView } from "./annex-document.view";

/**
 * One stylesheet, inline: the page loads nothing (its Content-Security-Policy allows no
 * source but inline style) and prints on A4 with repeated table headers and page numbers.
 */
const CSS = `
@page { size: A4; margin: 18mm 15mm 20mm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; } }
:root { color-scheme: light; }
body { font: 10pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #111; background: #fff; max-width: 64rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 16pt; margin: 0 0 .75rem; }
h2 { font-size: 12pt; margin: 1.5rem 0 .5rem; padding-bottom: .15rem; border-bottom: 1px solid #999; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table { width: 100%; border-collapse: collapse; font-size: 8.5pt; }
th, td { border: 1px solid #999; padding: .25rem .35rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
thead th { background: #eee; }
tbody th { font-weight: 600; }
footer { margin-top: 1.5rem; font-size: 8pt; color: #555; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 9pt; }
  thead { display: table-header-group; }
  tr, dl.facts { break-inside: avoid; page-break-inside: avoid; }
  h1, h2 { break-after: avoid; page-break-after: avoid; }
  thead th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

/** A table with column headers; with `rowHeaders` the first cell of each row heads its row. */
const Table: FC<{ headers: string[]; rows: string[][]; rowHeaders?: boolean }> = ({ headers, rows, rowHeaders }) => (
  <table>
    <thead>
      <tr>
        {headers.map((h) => (
          <th scope="col">{h}</th>
        ))}
      </tr>
    </thead>
    <tbody>
      {rows.map(([first, ...rest]) => (
        <tr>
          {rowHeaders ? <th scope="row">{first}</th> : <td>{first}</td>}
          {rest.map((cell) => (
            <td>{cell}</td>
          ))}
        </tr>
      ))}
    </tbody>
  </table>
);

const Section: FC<{ title: string; empty: string; table: { headers: string[]; rows: string[][] }; rowHeaders?: boolean }> = (p) => (
  <section>
    <h2>{p.title}</h2>
    {p.table.rows.length ? <Table headers={p.table.headers} rows={p.table.rows} rowHeaders={p.rowHeaders} /> : <p>{p.empty}</p>}
  </section>
);

/** A tab's title stays short enough to read (70 characters, as html-validate asks); the heading has it whole. */
const shortTitle = (title: string) => (title.length <= 70 ? title : `${title.slice(0, 69)}…`);

const Page: FC<{ doc: DocumentView }> = ({ doc }) => {
  const { m } = doc;
  return (
    <html lang={doc.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{shortTitle(`${m.document_title.split(" – ")[0]} – ${doc.agreement.title} – ${m.annex_version} ${doc.version}`)}</title>
        <style>{raw(CSS)}</style>
      </head>
      <body>
        <header>
          <h1>{m.document_title}</h1>
          <dl class="facts">
            {doc.facts.map((f) => (
              <>
                <dt>{f.label}</dt>
                <dd>{f.value}</dd>
              </>
            ))}
          </dl>
        </header>
        <main>
          <Section title={m.parties} empty="" table={table(m, PARTY_COLUMNS, partiesOf(doc))} />
          <Section title={m.sub_processors} empty={m.no_sub_processors} table={table(m, SUB_PROCESSOR_COLUMNS, doc.subProcessors)} rowHeaders />
          <Section title={m.locations} empty={m.no_locations} table={table(m, LOCATION_COLUMNS, doc.locations)} rowHeaders />
          <Section title={m.change_history} empty="" table={table(m, HISTORY_COLUMNS, doc.history)} />
          <Section title={m.terms_history} empty="" table={table(m, TERMS_COLUMNS, doc.terms)} />
        </main>
        <footer>
          <p>{m.dates_note}</p>
        </footer>
      </body>
    </html>
  );
};

/** The annex document as a standalone, print-ready HTML page; every value is escaped by hono/jsx. */
export async function renderHtml(doc: DocumentView): Promise<string> {
  return `<!DOCTYPE html>${await (<Page doc={doc} />).toString()}`;
}
