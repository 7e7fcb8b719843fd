import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AffinityCounter, AffinityTable } from './affinities';

const at = (hour: number) => new Date(Date.UTC(2026, 10, 22, hour, 30));

describe('genre affinities', () => {
  it('a genre watched mostly on TV at night has a lift above 1 there and below 1 elsewhere', () => {
    const counter = new AffinityCounter();
    for (let i = 0; i < 200; i++) counter.add({ device: 'tv', playedAt: at(21) }, ['Thriller']);
    for (let i = 0; i < 200; i++) counter.add({ device: 'mobile', playedAt: at(8) }, ['Comedy']);
    for (let i = 0; i < 50; i++) counter.add({ device: 'mobile', playedAt: at(8) }, ['Thriller']);
    const table = new AffinityTable(counter.cells(), 'v1');
    assert.ok(table.lift('device', 'tv', 'Thriller') > 1.5);
    assert.ok(table.lift('device', 'tv', 'Comedy') < 0.2);
    assert.ok(table.lift('hour', '8', 'Comedy') > 1);
    assert.ok(table.lift('hour', '21', 'Comedy') < table.lift('hour', '8', 'Comedy'));
    assert.equal(counter.plays, 450);
    assert.ok(Math.abs(table.share('Thriller') - 250 / 450) < 1e-9);
  });

  it('a context with a handful of plays stays near neutral (smoothing)', () => {
    const counter = new AffinityCounter();
    for (let i = 0; i < 500; i++)
      counter.add({ device: 'web', playedAt: at(12) }, [i % 2 ? 'Drama' : 'Comedy']);
    counter.add({ device: 'tablet', playedAt: at(3) }, ['Drama']);
    const table = new AffinityTable(counter.cells(), 'v1');
    const lift = table.lift('device', 'tablet', 'Drama');
    assert.ok(lift > 1 && lift < 1.1, `lift ${lift}`);
  });

  it('counts a two-genre title for both genres and skips titles without genres', () => {
    const counter = new AffinityCounter();
    counter.add({ device: 'tv', playedAt: at(20) }, ['Drama', 'Romance', 'Drama']);
    counter.add({ device: 'tv', playedAt: at(20) }, []);
    const cells = counter.cells().filter((c) => c.dimension === 'device');
    assert.deepEqual(
      cells.map((c) => [c.context, c.genre, c.plays]),
      [
        ['tv', 'Drama', 1],
        ['tv', 'Romance', 1],
      ],
    );
    assert.equal(counter.plays, 1);
  });

  it('an empty table is neutral', () => {
    const table = AffinityTable.empty();
    assert.equal(table.lift('device', 'tv', 'Drama'), 1);
    assert.equal(table.share('Drama'), 0);
    assert.equal(table.version, null);
  });
});
