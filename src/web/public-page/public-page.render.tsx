import type { FC } from "hono/jsx";
import type { PublicChange, PublicView } from "../../features/public-page/public-page.view";
import { LANGS, type Lang } from "../../i18n/messages";
import { PUBLIC_MESSAGES } from "../../i18n/public";
import { type Words, wordsFor } from "./public-page.words";

// A standalone page: inline CSS, no script, no external asset. hono/jsx escapes every value; only
// the constant style sheet is inserted as it is. (Not named *.html.tsx: wrangler bundles an import
// ending in .html as a text module.) The words are the reader's language's (src/i18n/public).

export const STYLE = `
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:72rem;padding:1.5rem;color:#1b1b1b;background:#fff}
h1{font-size:1.8rem;margin:0 0 .25rem}h2{font-size:1.3rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.25rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{text-align:left;vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid #eee}
th{background:#f6f6f6}.muted{color:#555}.tag{display:inline-block;padding:0 .4rem;border-radius:.3rem;background:#eef;font-size:.85rem}
nav.langs ul{list-style:none;margin:0;padding:0;display:flex;gap:.75rem;justify-content:flex-end;font-size:.9rem}.third_country{background:#fde8e8}.adequacy{background:#fff4d6}.eu_eea{background:#e6f4ea}ol.changes{padding-left:1.2rem}ol.changes>li{margin-bottom:1rem}
form.subscribe label{display:block;font-weight:600;margin:.5rem 0 .25rem}form.subscribe input[type=email]{font:inherit;padding:.4rem .5rem;width:100%;max-width:24rem;box-sizing:border-box}button{font:inherit;padding:.45rem 1rem;margin-top:.5rem}.error{color:#a00;font-weight:600}.done{font-weight:600}
@media (max-width:40rem){table,thead,tbody,tr,th,td{display:block}thead{display:none}td{border:0;padding:.1rem 0}tr{border-bottom:1px solid #ddd;padding:.5rem 0}}
`;

const Time: FC<{ d: Date; w: Words }> = ({ d, w }) => <time datetime={d.toISOString()}>{w.day(d)}</time>;

/** One change: when, then what, line by line. The feeds' entries carry the same content. */
export const ChangeContent: FC<{ c: PublicChange; w: Words }> = ({ c, w }) => (
  <>
    <p>{w.changeDates(c).join(" ")}</p>
    <ul>
      {c.changes.map((l) => (
        <li>{w.lineText(l)}</li>
      ))}
    </ul>
  </>
);

const ChangeList: FC<{ list: PublicChange[]; empty: string; w: Words }> = ({ list, empty, w }) =>
  list.length ? (
    <ol class="changes">
      {list.map((c) => (
        <li id={`${c.status}-${c.changeRequestId}`}>
          <ChangeContent c={c} w={w} />
        </li>
      ))}
    </ol>
  ) : (
    <p>{empty}</p>
  );

const SubProcessors: FC<{ view: PublicView; w: Words }> = ({ view, w }) =>
  view.subProcessors.length ? (
    <table>
      <thead>
        <tr>
          <th>{w.m.col_sub_processor}</th>
          <th>{w.m.col_registration}</th>
          <th>{w.m.col_country}</th>
          <th>{w.m.col_classification}</th>
          <th>{w.m.col_purpose}</th>
          <th>{w.m.col_processes_in}</th>
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
              <span class="muted">{w.scheme(s.registration.scheme)}</span>
            </td>
            <td>{w.country(s.countryName)}</td>
            <td>
              <span class={`tag ${s.classification}`}>{w.classification(s.classification)}</span>
              {s.transferMechanism ? (
                <>
                  <br />
                  <span class="muted">{w.mechanism(s.transferMechanism)}</span>
                </>
              ) : null}
            </td>
            <td>{s.purpose}</td>
            <td>{w.countries(s.processingCountries).join(", ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  ) : (
    <p>{w.m.no_sub_processors}</p>
  );

const Locations: FC<{ locations: NonNullable<PublicView["locations"]>; w: Words }> = ({ locations, w }) =>
  locations.length ? (
    <table>
      <thead>
        <tr>
          <th>{w.m.col_location}</th>
          <th>{w.m.col_address}</th>
          <th>{w.m.col_classification}</th>
          <th>{w.m.col_activities}</th>
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
            <td>{w.formatAddress(l.address)}</td>
            <td>
              <span class={`tag ${l.classification}`}>{w.classification(l.classification)}</span>
            </td>
            <td>{l.activities.map(w.activity).join(", ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  ) : (
    <p>{w.m.no_locations}</p>
  );

/** Where the page and its feeds are, for each language. */
export interface PagePaths {
  atom: string;
  json: string;
  /** the page in another language: a link the reader follows to switch */
  lang: (lang: Lang) => string;
  /** where the subscribe form posts; no form without it */
  subscribe?: string;
}

/**
 * Subscribing an address to the page's changes by e-mail (docs/rules.md, "Public page
 * subscriptions"), in the page's language, which the mails then use. No `required`: the server
 * checks the address and answers with this form and the error.
 */
export const SubscribeForm: FC<{ action: string; processorName: string; w: Words; error?: string; email?: string }> = ({ action, processorName, w, error, email }) => (
  <form class="subscribe" method="post" action={action}>
    <input type="hidden" name="lang" value={w.lang} />
    <p id="subscribe-hint">{w.m.subscribe_intro(processorName)}</p>
    {error ? (
      <p id="subscribe-error" class="error" role="alert">
        {error}
      </p>
    ) : null}
    <label for="subscribe-email">{w.m.email_label}</label>
    <input
      id="subscribe-email"
      name="email"
      type="email"
      autocomplete="email"
      spellcheck={false}
      value={email}
      aria-invalid={error ? "true" : undefined}
      aria-describedby={error ? "subscribe-hint subscribe-error" : "subscribe-hint"}
    />
    <button type="submit">{w.m.subscribe_button}</button>
  </form>
);

/** Small links to the page in each language, each named in its own language. */
const LanguageSwitch: FC<{ w: Words; paths: PagePaths }> = ({ w, paths }) => (
  <nav class="langs" aria-label={w.m.language}>
    <ul>
      {LANGS.map((l) => (
        <li>
          <a href={paths.lang(l)} lang={l} hreflang={l} aria-current={l === w.lang ? "true" : undefined}>
            {PUBLIC_MESSAGES[l].language_name}
          </a>
        </li>
      ))}
    </ul>
  </nav>
);

const Page: FC<{ view: PublicView; paths: PagePaths; w: Words }> = ({ view, paths, w }) => {
  const { m } = w;
  const title = m.page_title(view.processorName);
  return (
    <html lang={w.lang}>
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
          <LanguageSwitch w={w} paths={paths} />
          <h1>{title}</h1>
          <p class="muted">
            {`${m.intro(view.processorName)} ${m.last_updated} `}
            <Time d={view.lastModified} w={w} />
            {`. ${m.follow_changes} `}
            <a href={paths.atom}>{m.atom_feed}</a>
            {" · "}
            <a href={paths.json}>{m.json_feed}</a>.
          </p>
        </header>
        <main>
          <section id="sub-processors">
            <h2>{m.heading_sub_processors}</h2>
            <SubProcessors view={view} w={w} />
          </section>
          {view.locations ? (
            <section id="locations">
              <h2>{m.heading_locations}</h2>
              <Locations locations={view.locations} w={w} />
            </section>
          ) : null}
          <section id="upcoming">
            <h2>{m.heading_upcoming}</h2>
            <ChangeList list={view.upcoming} empty={m.no_upcoming} w={w} />
          </section>
          <section id="changelog">
            <h2>{m.heading_changelog}</h2>
            <ChangeList list={view.changelog} empty={m.no_changes} w={w} />
          </section>
          {paths.subscribe ? (
            <section id="subscribe">
              <h2>{m.subscribe_heading}</h2>
              <SubscribeForm action={paths.subscribe} processorName={view.processorName} w={w} />
            </section>
          ) : null}
        </main>
        <footer>
          <p class="muted">{m.footer(view.processorName)}</p>
        </footer>
      </body>
    </html>
  );
};

/** The public sub-processor page, in one language. */
export async function renderPublicPage(view: PublicView, paths: PagePaths, lang: Lang = "en"): Promise<string> {
  return `<!DOCTYPE html>\n${await (<Page view={view} paths={paths} w={wordsFor(lang)} />).toString()}`;
}

/** A change's content as HTML, for the feeds' entries. */
export async function changeContentHtml(c: PublicChange, lang: Lang = "en"): Promise<string> {
  return String(await (<ChangeContent c={c} w={wordsFor(lang)} />).toString());
}
