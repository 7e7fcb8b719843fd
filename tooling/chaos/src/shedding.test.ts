import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { metricValue } from './shedding';

const SCRAPE = [
  '# HELP marquee_online_shed_total API requests answered 503 at once, by reason',
  '# TYPE marquee_online_shed_total counter',
  'marquee_online_shed_total{reason="lag",app="online"} 12',
  'marquee_online_shed_total{app="online",reason="in_flight"} 3',
  'marquee_online_event_loop_lag_seconds{app="online"} 0.183',
  'marquee_online_event_loop_lag_seconds_other{app="online"} 9',
].join('\n');

describe('metricValue', () => {
  it('reads a sample by name and the labels it must have, whatever other labels it carries', () => {
    assert.equal(metricValue(SCRAPE, 'marquee_online_shed_total', { reason: 'lag' }), 12);
    assert.equal(metricValue(SCRAPE, 'marquee_online_shed_total', { reason: 'in_flight' }), 3);
    assert.equal(metricValue(SCRAPE, 'marquee_online_shed_total'), 15);
    assert.equal(metricValue(SCRAPE, 'marquee_online_event_loop_lag_seconds'), 0.183);
    assert.equal(metricValue(SCRAPE, 'marquee_online_requests_in_flight'), 0);
  });
});
