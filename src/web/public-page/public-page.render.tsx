import type { FC } from "hono/jsx";
import type { PublicChange, PublicView } from "../../features/public-page/public-page.view";
import { CLASSIFICATION_LABEL, changeDates, day, formatAddress, lineText } from "./public-page.words";

// A standalone page: inline CSS, no script, no external asset. hono/jsx escapes every value; only
// the constant style sheet is inserted as it is. (Not named *.html.tsx: wrangler bundles an import
// ending in .html as a text module.)

const STYLE = `
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:72rem;padding:1.5rem;color:#1b1b1b;background:#fff}
h1{font-size:1.8rem;margin:0 0 .25rem}h2{font-size:1.3rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.25rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{text-align:left;vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid #eee}
th{background:#f6f6f6}.muted{color:#555}.tag{display:inline-block;padding:0 .4rem;border-radius:.3rem;background:#eef;font-size:.85rem}
.third_country{background:#fde8e8}.adequacy{background:#fff4d6}.eu_eea{background:#e6f4ea}ol.changes{padding-left:1.2rem}ol.changes>li{margin-bottom:1rem}
@media (max-width:40rem){table,thead,tbody,tr,th,td{display:block}thead{display:none}td{border:0;padding:.1rem 0}tr{border-bottom:1px solid #ddd;padding:.5rem 0}}
`;

const Time: FC<{ d: Date }> = ({ d }) => <time datetime={d.toISOString()}>{day(d)}</time>;

/** One change: when, then what, line by line. The feeds' entries carry the same content. */
export const ChangeContent: FC<{ c: PublicChange }> = ({ c }) => (
  <>
    <p>{changeDates(c).join(" ")}</p>
    <ul>
      {c.changes.map((l) => (
        <li>{lineText(l)}</li>
      ))}
    </ul>
  </>
);

const ChangeList: FC<{ list: PublicChange[]; empty: string }> = ({ list, empty }) =>
  list.length ? (
    <ol class="changes">
      {list.map((c) => (
        <li id={`${c.status}-${c.changeRequestId}`}>
          <ChangeContent c={c} />
        </li>
      ))}
    </ol>
  ) : (
    <p>{empty}</p>
  );

const SubProcessors: FC<{ view: PublicView }> = ({ view }) =>
  view.subProcessors.length ? (
    <table>
      <thead>
        <tr>
          <th>Sub-processor</th>
          <th>Registration</th>
          <th>Country</th>
          <th>Classification</th>
          <th>Purpose</th>
          <th>Processes data in</th>
        </tr>
      </thead>
      <tbody>
        {view.subProcessors.map((s) => (
          <tr id={`sp-${s.ref}`}>
            <td>
              <strong>{s.legalName}</strong>
            </td>
            <td>
              {s.registration.number}
              <br />
              <span class="muted">{s.registration.scheme}</span>
            </td>
            <td>{s.countryName}</td>
            <td>
              <span class={`tag ${s.classification}`}>{CLASSIFICATION_LABEL[s.classification]}</span>
              {s.transferMechanism ? (
                <>
                  <br />
                  <span class="muted">{s.transferMechanism}</span>
                </>
              ) : null}
            </td>
            <td>{s.purpose}</td>
            <td>{s.processingCountries.join(", ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  ) : (
    <p>No sub-processors.</p>
  );

const Locations: FC<{ locations: NonNullable<PublicView["locations"]> }> = ({ locations }) =>
  locations.length ? (
    <table>
      <thead>
        <tr>
          <th>Location</th>
          <th>Address</th>
          <th>Classification</th>
          <th>Activities</th>
        </tr>
      </thead>
      <tbody>
        {locations.map((l) => (
          <tr id={`loc-${l.ref}`}>
            <td>
              <strong>{l.label}</strong>
              {l.description ? (
                <>
                  <br />
                  <span class="muted">{l.description}</span>
                </>
              ) : null}
            </td>
            <td>{formatAddress(l.address)}</td>
            <td>
              <span class={`tag ${l.classification}`}>{CLASSIFICATION_LABEL[l.classification]}</span>
            </td>
            <td>{l.activities.map((x) => x.replaceAll("_", " ")).join(", ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  ) : (
    <p>No processing locations.</p>
  );

const Page: FC<{ view: PublicView; paths: { atom: string; json: string } }> = ({ view, paths }) => {
  const title = `Sub-processors of ${view.processorName}`;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <link rel="alternate" type="application/atom+xml" title={`${title} (Atom)`} href={paths.atom} />
        <link rel="alternate" type="application/feed+json" title={`${title} (JSON Feed)`} href={paths.json} />
        <style dangerouslySetInnerHTML={{ __html: STYLE }} />
      </head>
      <body>
        <header>
          <h1>{title}</h1>
          <p class="muted">
            {`The companies ${view.processorName} engages to process personal data on its customers' behalf, the changes ahead, and the changes made. Last updated `}
            <Time d={view.lastModified} />
            {". Follow the changes: "}
            <a href={paths.atom}>Atom feed</a>
            {" · "}
            <a href={paths.json}>JSON Feed</a>.
          </p>
        </header>
        <main>
          <section id="sub-processors">
            <h2>Current sub-processors</h2>
            <SubProcessors view={view} />
          </section>
          {view.locations ? (
            <section id="locations">
              <h2>Processing locations</h2>
              <Locations locations={view.locations} />
            </section>
          ) : null}
          <section id="upcoming">
            <h2>Upcoming changes</h2>
            <ChangeList list={view.upcoming} empty="No upcoming changes." />
          </section>
          <section id="changelog">
            <h2>Changelog</h2>
            <ChangeList list={view.changelog} empty="No changes yet." />
          </section>
        </main>
        <footer>
          <p class="muted">
            {`Classifications follow GDPR chapter V: inside the EU/EEA, or a third country (any country outside the EU/EEA) with an adequacy decision of the European Commission, or without one, where a transfer tool such as standard contractual clauses is needed. Published by ${view.processorName} through the Subprocessor Registry.`}
          </p>
        </footer>
      </body>
    </html>
  );
};

/** The public sub-processor page. */
export async function renderPublicPage(view: PublicView, paths: { atom: string; json: string }): Promise<string> {
  return `<!DOCTYPE html>\n${await (<Page view={view} paths={paths} />).toString()}`;
}

/** A change's content as HTML, for the feeds' entries. */
export async function changeContentHtml(c: PublicChange): Promise<string> {
  return String(await (<ChangeContent c={c} />).toString());
}
