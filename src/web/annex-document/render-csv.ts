import { stringify } from "csv-stringify/sync";
import { SUB_PROCESSOR_COLUMNS, table, type DocumentView } from "./annex-document.view";

/**
 * The sub-processor rows as CSV (RFC 4180): a header row in the document's language, separated
 * by ; in Danish and Swedish and by , in English unless asked otherwise, fields with the
 * separator, a quote, CR or LF quoted and quotes doubled, CRLF line ends, UTF-8 with a
 * byte-order mark. The BOM is there because the rows are for spreadsheets: without it Excel
 * reads UTF-8 as the Windows code page and mangles æ, ø, å, ä, ö; CSV parsers (csv-parse,
 * Python's utf-8-sig, pandas) drop it. A value starting with = + - @ (a formula to a
 * spreadsheet) is prefixed with ' (OWASP "CSV injection"): the names and descriptions are
 * written by the processor and opened by the controller.
 */
export function renderCsv(doc: DocumentView, delimiter: "comma" | "semicolon" = doc.m.csv_delimiter): string {
  const { headers, rows } = table(doc.m, SUB_PROCESSOR_COLUMNS, doc.subProcessors);
  return stringify(rows, {
    header: true,
    columns: headers,
    // Danish and Swedish spreadsheets split on ; (their decimal comma), English ones on ,
    delimiter: delimiter === "semicolon" ? ";" : ",",
    bom: true,
    record_delimiter: "windows",
    // csv-stringify quotes a bare CR or LF only when asked, once the record delimiter is set
    quote_record_delimiter: true,
    escape_formulas: true,
  });
}
