export interface CsvRecord {
  /** 1-based line where the record starts (a quoted field may span lines). */
  line: number;
  fields: string[];
}

/**
 * RFC 4180 CSV: fields in double quotes may hold commas, quotes (doubled) and line breaks; CRLF or
 * LF line ends; blank lines are skipped. An unterminated quote is reported with its line.
 */
export function parseCsv(text: string): { records: CsvRecord[]; error?: { line: number; message: string } } {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let quoted = false;
  let quoteLine = 0;
  let atFieldStart = true;
  const endRecord = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    atFieldStart = true;
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (ch === '\n') line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && atFieldStart) {
      quoted = true;
      quoteLine = line;
      atFieldStart = false;
      i++;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += ch;
      atFieldStart = false;
      i++;
    }
  }
  if (quoted) return { records, error: { line: quoteLine, message: 'a quoted field is never closed' } };
  if (field !== '' || fields.length > 0) endRecord();
  return { records };
}
