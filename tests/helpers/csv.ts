/**
 * A strict RFC 4180 reader for the export tests (no CSV parser is among the dependencies): CRLF
 * between records, fields quoted when they hold a comma, quote or line break, quotes doubled.
 * Anything else (a bare quote inside a field, a lone LF, text after a closing quote) throws.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`Not RFC 4180 CSV at offset ${i}: ${why}`);
  };
  while (i < text.length) {
    let field = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) fail("unterminated quoted field");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== "," && text[i] !== "\r" && text[i] !== "\n") {
        if (text[i] === '"') fail("a quote inside an unquoted field");
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ",") i++;
    else if (text.startsWith("\r\n", i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i >= text.length) fail("the last record does not end with CRLF");
    else fail(`unexpected ${JSON.stringify(text[i])}`);
  }
  if (row.length) fail("a record without its CRLF");
  const width = rows[0]?.length;
  rows.forEach((r, n) => r.length !== width && fail(`record ${n} has ${r.length} fields, the header ${width}`));
  return rows;
}
