// The audit log's CSV records: a field with a separator, quote or line break is quoted (quotes doubled), and a
// field Excel would take for a formula (= + - @) is kept as text by a leading apostrophe.
import { describe, expect, it } from 'vitest';
import { csvLine } from '../../server/audit/audit-csv.ts';

describe('audit CSV records', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    expect(csvLine(['CG-20261202-0007', '张三', ''])).toBe('CG-20261202-0007,张三,\r\n');
    expect(csvLine(['a,b', 'say "hi"', 'two\nlines'])).toBe('"a,b","say ""hi""","two\nlines"\r\n');
    expect(csvLine(['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)'])).toBe(`"'=HYPERLINK(""x"")",'+1,'-2,'@SUM(A1)\r\n`);
  });
});
