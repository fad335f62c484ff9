import { HISTORY_COLUMNS, LOCATION_COLUMNS, PARTY_COLUMNS, partiesOf, SUB_PROCESSOR_COLUMNS, TERMS_COLUMNS, table, type DocumentView } from "./annex-document.view";

/**
 * Markdown text of our data: backslash-escapes what Markdown would read as markup (emphasis,
 * code, links, raw HTML, table pipes, entity references) and folds line breaks into spaces,
 * so a value stays one table cell and reads as written (CommonMark §2.4).
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/\r\n|\r|\n/g, " ")
      .replace(/[\\`*[\]<>|~]/g, "\\$&")
      // an underscore inside a word never delimits emphasis (CommonMark §6.2), so ids like agr_01… stay as they are
      .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, "\\_")
      .replace(/&(?=#?[0-9A-Za-z]+;)/g, "\\&")
  );
}

function gfmTable({ headers, rows }: { headers: string[]; rows: string[][] }): string[] {
  const line = (cells: string[]) => `| ${cells.map(escapeMarkdown).join(" | ")} |`;
  return [line(headers), `| ${headers.map(() => "---").join(" | ")} |`, ...rows.map(line)];
}

/** The annex document as Markdown: headings, a list of facts, GFM tables; LF line ends. */
export function renderMarkdown(doc: DocumentView): string {
  const { m } = doc;
  const section = (heading: string, body: string[]) => ["", `## ${escapeMarkdown(heading)}`, "", ...body];
  const lines = [
    `# ${escapeMarkdown(m.document_title)}`,
    "",
    ...doc.facts.map((f) => `- **${escapeMarkdown(f.label)}:** ${escapeMarkdown(f.value)}`),
    ...section(m.parties, gfmTable(table(m, PARTY_COLUMNS, partiesOf(doc)))),
    ...section(m.sub_processors, doc.subProcessors.length ? gfmTable(table(m, SUB_PROCESSOR_COLUMNS, doc.subProcessors)) : [escapeMarkdown(m.no_sub_processors)]),
    ...section(m.locations, doc.locations.length ? gfmTable(table(m, LOCATION_COLUMNS, doc.locations)) : [escapeMarkdown(m.no_locations)]),
    ...section(m.change_history, gfmTable(table(m, HISTORY_COLUMNS, doc.history))),
    ...section(m.terms_history, gfmTable(table(m, TERMS_COLUMNS, doc.terms))),
    "",
    `*${escapeMarkdown(m.dates_note)}*`,
  ];
  return `${lines.join("\n")}\n`;
}
