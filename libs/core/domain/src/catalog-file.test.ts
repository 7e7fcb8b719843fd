import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CSV_COLUMNS, csvRecords, csvRow, catalogFormatOf, parseCatalog } from './catalog-file';

describe('catalog CSV', () => {
  it('splits quoted fields with commas, doubled quotes and line breaks, keeping the starting line', () => {
    const text = 'a,b\n"x, y","say ""hi"""\n"multi\nline",z\r\nlast,row';
    assert.deepEqual(
      [...csvRecords(text)],
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['x, y', 'say "hi"'] },
        { line: 3, fields: ['multi\nline', 'z'] },
        { line: 5, fields: ['last', 'row'] },
      ],
    );
  });

  it('reads titles with lists, availability and empty cells as absent fields', () => {
    const text = [
      CSV_COLUMNS.join(','),
      't1,"Night, Again",Drama|Thriller,2024,PG-13,US|DE,2026-01-01,,https://img.example.com/1.jpg',
      't2,Plain,,,,,,,',
    ].join('\n');
    assert.deepEqual(parseCatalog(text, 'csv'), [
      {
        line: 2,
        item: {
          itemId: 't1',
          title: 'Night, Again',
          genres: ['Drama', 'Thriller'],
          year: 2024,
          maturityRating: 'PG-13',
          availability: { regions: ['US', 'DE'], start: '2026-01-01' },
          artworkUrl: 'https://img.example.com/1.jpg',
        },
      },
      { line: 3, item: { itemId: 't2', title: 'Plain', genres: [] } },
    ]);
  });

  it('names the line and field of a bad row, and a bad header', () => {
    const rows = parseCatalog('itemId,title,year\nok,Fine,2000\nbad,,19x\n', 'csv');
    assert.equal(rows[1]?.line, 3);
    const issues = rows[1] && 'issues' in rows[1] ? rows[1].issues : [];
    assert.ok(issues.some((i) => i.startsWith('title: ')));
    assert.ok(issues.some((i) => i.startsWith('year: ')));
    const header = parseCatalog('id,name\n', 'csv');
    assert.match(
      header[0] && 'issues' in header[0] ? (header[0].issues[0] ?? '') : '',
      /missing column itemId/,
    );
  });

  it('writes rows that read back as the same titles', () => {
    const item = {
      itemId: 'q',
      title: 'A "quoted", title',
      genres: ['Comedy'],
      availability: { regions: ['FR'], end: '2027-01-01T00:00:00Z' },
    };
    assert.deepEqual(parseCatalog(`${CSV_COLUMNS.join(',')}\n${csvRow(item)}\n`, 'csv'), [{ line: 2, item }]);
  });
});

describe('catalog JSON Lines', () => {
  it('names the line of unreadable JSON and of a bad title, skipping blank lines', () => {
    const rows = parseCatalog(
      '{"itemId":"a","title":"A","genres":[]}\n\n{oops\n{"itemId":"b","genres":[]}\n',
      'jsonl',
    );
    assert.deepEqual(
      rows.map((r) => [r.line, 'item' in r]),
      [
        [1, true],
        [3, false],
        [4, false],
      ],
    );
  });

  it('knows the format by the extension', () => {
    assert.equal(catalogFormatOf('items.jsonl'), 'jsonl');
    assert.equal(catalogFormatOf('items.CSV'), 'csv');
    assert.equal(catalogFormatOf('items.txt'), null);
  });
});
